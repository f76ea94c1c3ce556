/**
 * `bin/grove.js`, the launcher: how it starts Node (V8's flags back at their defaults, the main thread's young
 * generation capped) and hands NODE_EXTRA_CA_CERTS to the CLI instead of to Node's start-up.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticHttp, serveStatic } from "../../../test/helpers/static-http.js";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { type CliRun, repoRoot, spawnCollected } from "./run-cli.js";
import { makeTestCertificates, opensslUnavailable, type TestCertificates } from "./test-certificates.js";

const bin = path.join(repoRoot, "packages/cli/bin/grove.js");

const skip = tinyRepoUnavailable() ?? opensslUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`launcher.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`launcher.test.ts repository tests skipped: ${skip}`);

/** The environment of this process without the variables a test sets itself. */
function baseEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, GROVE_DEBUG: "" };
  for (const name of ["NODE_EXTRA_CA_CERTS", "GROVE_EXTRA_CA_CERTS", "NODE_OPTIONS"]) delete env[name];
  return env;
}

/** Runs the launcher as an executable (its shell line, then Node), asynchronously: a test's server lives here. */
function launch(args: string[], env: Record<string, string>): Promise<CliRun> {
  return spawnCollected(bin, args, { env: { ...baseEnv(), ...env } });
}

describe("the launcher", () => {
  let work = "";
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "grove-launcher-"));
  });
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("starts Node with V8's flags at their defaults and a 1 MB semi-space, and leaves NODE_EXTRA_CA_CERTS to the CLI", async () => {
    // A code cache made by a Node with default flags: V8 rejects it in a process whose flags differ, as it does
    // the code caches of Node's own modules.
    const source = "function probe() { return 1; } probe();";
    const made = spawnSync(
      process.execPath,
      [
        "-e",
        `process.stdout.write(new (require("node:vm").Script)(${JSON.stringify(source)}).createCachedData().toString("base64"))`,
      ],
      { encoding: "utf8", env: baseEnv() },
    );
    expect(made.status).toBe(0);
    writeFileSync(path.join(work, "probe.cache"), Buffer.from(made.stdout, "base64"));
    const report = path.join(work, "probe.json");
    const probe = path.join(work, "probe.mjs");
    writeFileSync(
      probe,
      `import { readFileSync, writeFileSync } from "node:fs";
import { Script } from "node:vm";
import { getHeapSpaceStatistics } from "node:v8";
process.on("exit", () => {
  const script = new Script(${JSON.stringify(source)}, { cachedData: readFileSync(${JSON.stringify(path.join(work, "probe.cache"))}) });
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
  writeFileSync(${JSON.stringify(report)}, JSON.stringify({
    cacheRejected: script.cachedDataRejected,
    newSpaceBytes: newSpace.space_size,
    execArgv: process.execArgv,
    mmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_,
    extraCa: process.env.NODE_EXTRA_CA_CERTS ?? null,
    handedOver: process.env.GROVE_EXTRA_CA_CERTS ?? null,
  }));
});
`,
    );
    // A file Node cannot read: Node itself would warn at start-up ("Warning: Ignoring extra certs from ...").
    const missing = path.join(work, "missing-ca.pem");
    const run = await launch(["--version"], { NODE_OPTIONS: `--import=${probe}`, NODE_EXTRA_CA_CERTS: missing });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(report, "utf8"))).toEqual({
      cacheRejected: false,
      // Two semi-spaces of 1 MB: V8 sized the heap from the command line before the flag went back to its default.
      newSpaceBytes: 2 * 1024 * 1024,
      execArgv: ["--max-semi-space-size=1"],
      mmapThreshold: "131072",
      extraCa: missing,
      handedOver: missing,
    });

    const without = await launch(["--version"], { NODE_OPTIONS: `--import=${probe}` });
    expect(without.stderr).toBe("");
    expect(JSON.parse(readFileSync(report, "utf8"))).toMatchObject({ extraCa: null, handedOver: null });
  });

  describe.skipIf(skip !== undefined)("with an HTTPS repository whose certificate is from an extra authority", () => {
    let certs: TestCertificates;
    let https: StaticHttp;
    let store = "";

    beforeAll(async () => {
      const site = buildTinyRepo(
        path.join(work, "site"),
        [
          { name: "base", version: "1" },
          { name: "app", version: "1", requires: ["base"] },
        ],
        work,
      );
      certs = makeTestCertificates(work);
      https = await serveStatic({ r: site }, certs);
      store = path.join(work, "grove");
      for (const args of [["init"], ["repo", "add", "tls", `${https.origin}/r/`]]) {
        const run = await launch(args, { GROVE_STORE: store });
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
      }
    }, 120_000);
    afterAll(async () => {
      await https?.close();
    });

    it("solves and assembles when NODE_EXTRA_CA_CERTS names that authority", async () => {
      const env = { GROVE_STORE: store, NODE_EXTRA_CA_CERTS: certs.caFile };
      const solved = await launch(["solve", "app"], env);
      expect(solved.stderr).toBe("");
      expect(solved.stdout).toBe("app-1-1.noarch\nbase-1-1.noarch\n");
      const assembled = await launch(["assemble", "--json", "web", "app"], env);
      expect(assembled.stderr).toBe("");
      expect(assembled.status).toBe(0);
      const [result] = JSON.parse(assembled.stdout) as Array<{ path: string; downloaded: string[] }>;
      expect([...result!.downloaded].sort()).toEqual(["app-1-1.noarch", "base-1-1.noarch"]);
      expect(readFileSync(path.join(result!.path, "usr/share/app/data"), "utf8")).toBe("app 1-1\n");
    });

    it("fails naming the repository and the certificate problem without it, or with a file it cannot read", async () => {
      const missing = path.join(work, "missing-ca.pem");
      for (const env of [{}, { NODE_EXTRA_CA_CERTS: missing }]) {
        const run = await launch(["solve", "--refresh", "app"], { GROVE_STORE: store, ...env });
        expect(run.status).not.toBe(0);
        const warning =
          "NODE_EXTRA_CA_CERTS" in env
            ? `grove: warning: ignoring extra certificates from ${missing} (NODE_EXTRA_CA_CERTS): ENOENT: no such file or directory, open '${missing}'\n`
            : "";
        expect(run.stderr).toMatch(
          new RegExp(
            `^${regexpText(warning)}grove: repo "tls": ${regexpText(`${https.origin}/r/repodata/repomd.xml`)}: cannot connect: UNABLE_TO_VERIFY_LEAF_SIGNATURE`,
          ),
        );
      }
    }, 60_000);
  });
});

function regexpText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
