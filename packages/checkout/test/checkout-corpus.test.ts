/**
 * The realistic corpus (apache2 and its closure, 113 packages built from Debian binaries by
 * `bench/make-corpus`): assembled as an unprivileged user into one root, compared with the union of rpm's
 * own extractions of every package, with the writable areas made of copies only.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpusSet } from "../../../test/helpers/corpus-set.js";
import { rpmFilesUnder } from "../../../test/helpers/real-rpm-fixtures.js";
import { compareWithReference, objectInodes, readTree } from "./helpers/checkout-tree.js";
import { isRoot, NOBODY, removeUserDirs, runOk, unprivilegedSkipReason, userDir } from "./helpers/checkout-user.js";

const skip = unprivilegedSkipReason();
if (skip !== "") console.warn(`checkout-corpus.test.ts skipped: ${skip}`);

interface Assembled {
  generation: number;
  path: string;
  stats: { linked: number; copied: number; dirs: number; symlinks: number; elapsedMs: number };
  timings: Record<string, number>;
}

describe.skipIf(skip !== "")("the apache2 corpus as one root", () => {
  let work: string;
  let store: string;
  let packages: Array<{ commitId: string; nevra: string; sha256: string; file: string }>;
  let web: Assembled;

  beforeAll(async () => {
    work = userDir("corpus");
    store = path.join(work, "grove");
    const corpus = (await buildCorpusSet(path.join(work, "repo"), ["apache2"])).dir;
    const [imported] = await runOk<typeof packages>(store, [
      { op: "importRpms", files: rpmFilesUnder(path.join(corpus, "Packages")) },
    ]);
    packages = imported!;
    const [first, second] = await runOk<Assembled>(store, [
      { op: "assemble", name: "web", packages, rpmdb: true, request: { packages: ["apache2"] } },
      { op: "assemble", name: "web", packages, rpmdb: true, request: { packages: ["apache2"] } },
    ]);
    web = second!;
    console.log(
      `apache2 root: ${packages.length} packages; first assemble ${Math.round(first!.stats.elapsedMs)} ms checkout, ` +
        `timings ${JSON.stringify(first!.timings)}; warm: ${JSON.stringify(second!.timings)}`,
    );
  }, 900_000);

  afterAll(removeUserDirs);

  it("has every path of every package as rpm2cpio extracts it", () => {
    const reference = path.join(work, "reference");
    mkdirSync(reference);
    for (const p of packages) {
      const r = spawnSync("sh", ["-c", 'rpm2cpio "$1" | cpio -idm --quiet --no-absolute-filenames', "sh", p.file], {
        cwd: reference,
      });
      expect(r.status, `rpm2cpio ${p.file}`).toBe(0);
    }
    const want = readTree(reference);
    const got = readTree(web.path);
    const grove = new Set([
      "usr/lib/sysimage",
      "usr/lib/sysimage/rpm",
      "usr/lib/sysimage/rpm/rpmdb.sqlite",
      "var/lib/rpm",
    ]);
    const { differences, extra } = compareWithReference(want, got, { ignore: (rel) => grove.has(rel) });
    expect(differences).toEqual([]);
    expect(extra).toEqual([]);
    expect(want.size).toBeGreaterThan(7000);
  });

  it("holds no link into the store outside /usr: /etc, /var and the rpmdb are copies", () => {
    const inodes = objectInodes(store);
    const tree = readTree(web.path, { hash: false });
    const offenders: string[] = [];
    let writable = 0;
    for (const [rel, node] of tree) {
      if (node.type !== "file") continue;
      const mustCopy = rel.startsWith("etc/") || rel.startsWith("var/") || rel.startsWith("usr/lib/sysimage/");
      if (mustCopy) {
        writable++;
        if (node.nlink !== 1 || inodes.has(node.ino!)) offenders.push(rel);
      } else if (!inodes.has(node.ino!)) {
        offenders.push(`${rel} (not linked)`);
      }
    }
    expect(writable).toBeGreaterThan(200);
    expect(offenders).toEqual([]);
  });

  it("carries an rpmdb that rpm reads: rpm -qa lists exactly the root's packages", () => {
    const args = ["rpm", "--root", web.path, "--dbpath", "/usr/lib/sysimage/rpm", "-qa", "--qf", "%{NEVRA}\\n"];
    const argv = isRoot ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", ...args] : args;
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8", env: { ...process.env, HOME: "/nonexistent" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").sort()).toEqual(packages.map((p) => p.nevra).sort());
  });

  it("links every package file of the warm second generation (times are measured by bench/run, not here)", () => {
    expect(web.stats.linked + web.stats.copied).toBeGreaterThan(6000);
    expect(web.stats.copied).toBeLessThan(web.stats.linked);
  });
});
