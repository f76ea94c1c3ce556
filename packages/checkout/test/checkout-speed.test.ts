/**
 * Benchmark (run with GROVE_BENCH=1): a warm assembly of the apache2 corpus root (store filled, rpmdb
 * cached) against `ostree checkout -U -H` of the same tree, interleaved, medians of wall and CPU time.
 * Every grove run is a fresh process (cold JIT), timed inside it (Node's own start-up excluded).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { benchOutDir, removeUserDirs, runOk, userDir } from "./helpers/checkout-user.js";

const corpus = path.join(benchOutDir, "apache2", "Packages");
const enabled = process.env.GROVE_BENCH === "1" && existsSync(corpus);
const haveOstree = spawnSync("ostree", ["--version"]).status === 0;

function rpmsOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".rpm"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe.skipIf(!enabled)("checkout speed (GROVE_BENCH=1)", () => {
  afterAll(removeUserDirs);

  it("assembles the apache2 root warm, and compares with ostree checkout -H", async () => {
    const store = path.join(userDir("speed"), "grove");
    const [packages] = await runOk<Array<{ commitId: string; nevra: string; sha256: string }>>(store, [
      { op: "importRpms", files: rpmsOf(corpus) },
    ]);
    type Run = {
      elapsedMs: number;
      cpuMs: { user: number; system: number };
      timings: Record<string, number>;
      path: string;
    };
    const [first] = await runOk<Run>(store, [{ op: "assemble", name: "web", packages, rpmdb: true }]);
    let ostreeRepo: string | undefined;
    if (haveOstree) {
      ostreeRepo = path.join(path.dirname(store), "ostree");
      const ok = (args: string[]) =>
        expect(
          spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "ostree", ...args]).status,
        ).toBe(0);
      ok([`--repo=${ostreeRepo}`, "init", "--mode=bare-user"]);
      ok([`--repo=${ostreeRepo}`, "commit", "-b", "web", `--tree=dir=${first!.path}`, "--no-xattrs"]);
    }
    const grove: Run[] = [];
    const ostree: Array<{ wall: number; user: number; system: number }> = [];
    for (let i = 0; i < 7; i++) {
      const [run] = await runOk<Run>(store, [
        { op: "assemble", name: `web${i}`, packages, rpmdb: true, request: null },
      ]);
      grove.push(run!);
      if (ostreeRepo !== undefined) {
        const dest = path.join(path.dirname(store), `ostree-co-${i}`);
        const r = spawnSync(
          "setpriv",
          [
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "/usr/bin/time",
            "-f",
            "%e %U %S",
            "ostree",
            `--repo=${ostreeRepo}`,
            "checkout",
            "-U",
            "-H",
            "web",
            dest,
          ],
          { encoding: "utf8" },
        );
        const [wall, user, system] = r.stderr.trim().split("\n").at(-1)!.split(" ").map(Number) as [
          number,
          number,
          number,
        ];
        ostree.push({ wall: wall * 1000, user: user * 1000, system: system * 1000 });
      }
    }
    const g = {
      wall: median(grove.map((r) => r.elapsedMs)),
      checkout: median(grove.map((r) => r.timings.checkout!)),
      cpu: median(grove.map((r) => r.cpuMs.user + r.cpuMs.system)),
    };
    const line = `grove assemble (warm, ${packages!.length} packages): median ${Math.round(g.wall)} ms wall (checkout ${Math.round(g.checkout)} ms), ${Math.round(g.cpu)} ms CPU`;
    const o =
      ostree.length > 0
        ? `; ostree checkout -U -H: median ${Math.round(median(ostree.map((r) => r.wall)))} ms wall, ${Math.round(median(ostree.map((r) => r.user + r.system)))} ms CPU`
        : "; ostree not installed";
    console.log(line + o);
    console.log(
      JSON.stringify({
        grove: grove.map((r) => ({ wall: Math.round(r.elapsedMs), cpu: r.cpuMs, timings: r.timings })),
        ostree,
      }),
    );
    expect(g.wall).toBeLessThan(5000);
  });
});
