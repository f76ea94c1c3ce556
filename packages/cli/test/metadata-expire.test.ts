/**
 * `metadata_expire` and `--refresh` through the CLI, over loopback HTTP on a tiny repository: a warm
 * `grove assemble` (or `upgrade`) makes no request and loads no network code (neither grove's fetch modules
 * nor node's undici, which the global `fetch` loads on first use); a repository changed in place is seen
 * with `--refresh` on `solve`, `assemble` and `upgrade`, as with dnf.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticHttp, serveStatic } from "../../../test/helpers/static-http.js";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { bundleModulesThatRan } from "./bundle-helpers.js";
import { loadRecorderImport } from "./load-recorder.js";
import { type CliRun, cliMain, spawnCollected } from "./run-cli.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`metadata-expire.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`metadata-expire.test.ts skipped: ${skip}`);

/** What one traced grove run loaded. */
interface Traced extends CliRun {
  /** The grove modules of the bundled CLI a function of which ran, as `pkg/path.js`. */
  groveFiles: string[];
  /** node's built-in modules, e.g. `NativeModule internal/deps/undici/undici`. */
  builtins: string[];
}

describe.skipIf(skip !== undefined)("metadata_expire and --refresh in the CLI", () => {
  let work = "";
  let site = "";
  let store = "";
  let http: StaticHttp;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-expire-"));
    site = buildTinyRepo(
      path.join(work, "site"),
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
      ],
      work,
    );
    http = await serveStatic({ r: site });
    store = path.join(work, "grove");
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  /** Runs grove asynchronously (the HTTP server lives in this process), tracing what it loads and runs. */
  const grove = async (...args: string[]): Promise<Traced> => {
    const id = Math.random().toString(36).slice(2);
    const loadLog = path.join(work, `load-${id}.log`);
    const builtinLog = path.join(work, `builtin-${id}.log`);
    const coverage = mkdtempSync(path.join(work, "coverage-"));
    const run = await spawnCollected(
      process.execPath,
      ["--import", loadRecorderImport({ builtins: true }), cliMain, ...args],
      {
        env: {
          ...process.env,
          GROVE_DEBUG: "",
          GROVE_STORE: store,
          GROVE_LOAD_LOG: loadLog,
          GROVE_BUILTIN_LOG: builtinLog,
          // Which functions ran: V8's coverage, without the code cache (cached code keeps no counters).
          NODE_V8_COVERAGE: coverage,
          GROVE_CODE_CACHE: "off",
        },
      },
    );
    const builtins = existsSync(builtinLog) ? readFileSync(builtinLog, "utf8").split("\n") : [];
    return { ...run, groveFiles: bundleModulesThatRan(coverage), builtins };
  };
  const ok = async (...args: string[]): Promise<Traced> => {
    const run = await grove(...args);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return run;
  };
  /** Requests the server got since the last call. */
  const requests = (): string[] => http.log.splice(0);
  /**
   * Network code a run loaded: grove's transport, repomd fetching, downloads (not fetch/checksum.js, plain
   * hashing), undici, TLS.
   */
  const networkCode = (run: Traced): string[] => [
    ...run.groveFiles.filter((f) => /^repo\/(fetch\/(?!checksum\.js$)|download\/)/.test(f)),
    ...run.builtins.filter((m) => /undici|tls/.test(m)),
  ];

  it("a warm assemble and a no-op upgrade make no request and load no network code", async () => {
    await ok("init");
    await ok("repo", "add", "r", `${http.origin}/r/`);
    requests();
    await ok("assemble", "first", "app");
    expect(requests()).toEqual(
      expect.arrayContaining(["/r/repodata/repomd.xml", expect.stringMatching(/^\/r\/repodata\/.*-primary\.xml/)]),
    );

    const warm = await ok("assemble", "second", "app");
    expect(warm.stdout).toContain("second: generation 1");
    expect(warm.groveFiles).toContain("repo/load-repo.js");
    expect(networkCode(warm)).toEqual([]);
    const upgrade = await ok("upgrade");
    expect(upgrade.stdout).toBe("first: up to date\nsecond: up to date\n");
    expect(networkCode(upgrade)).toEqual([]);
    expect(requests()).toEqual([]);
  });

  it("a repository changed in place is seen with --refresh (solve, upgrade, assemble), not before", async () => {
    buildTinyRepo(site, [{ name: "base", version: "1", release: "2" }], work);
    expect(JSON.parse((await ok("solve", "--json", "app")).stdout)).toEqual({
      install: ["app-1-1.noarch", "base-1-1.noarch"],
    });
    expect((await ok("upgrade")).stdout).toBe("first: up to date\nsecond: up to date\n");
    expect(requests()).toEqual([]);

    const solved = await ok("solve", "--refresh", "--json", "app");
    expect(JSON.parse(solved.stdout)).toEqual({ install: ["app-1-1.noarch", "base-1-2.noarch"] });
    expect(requests()).toEqual(["/r/repodata/repomd.xml", expect.stringMatching(/^\/r\/repodata\/.*-primary\.xml/)]);
    // The detector sees network code when there is some: a check loads grove's fetch modules and undici.
    expect(solved.groveFiles).toContain("repo/fetch/transport.js");
    expect(solved.builtins.filter((m) => /undici/.test(m))).not.toEqual([]);

    const upgraded = await ok("upgrade", "--refresh", "first");
    expect(upgraded.stdout).toContain("first: generation 2");
    expect(requests().filter((p) => p.endsWith("repomd.xml"))).toEqual(["/r/repodata/repomd.xml"]);
    const assembled = await ok("assemble", "--refresh", "--json", "third", "app");
    expect((JSON.parse(assembled.stdout) as Array<{ packages: string[] }>)[0]?.packages).toContain("base-1-2.noarch");
    expect(requests().filter((p) => p.endsWith("repomd.xml"))).toEqual(["/r/repodata/repomd.xml"]);
    // The refreshed metadata is trusted again without requests.
    expect((await ok("upgrade", "second")).stdout).toContain("second: generation 2");
    expect(requests().filter((p) => p.endsWith("repomd.xml"))).toEqual([]);
  });
});
