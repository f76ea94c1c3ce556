import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { bundleModulesThatRan, scriptsLoaded } from "./bundle-helpers.js";
import { loadRecorderImport } from "./load-recorder.js";
import { repoRoot, runCli } from "./run-cli.js";

const work = mkdtempSync(path.join(tmpdir(), "grove-modules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The grove `dist/` files (as `pkg/path.js`) that importing `specifiers` in a fresh node loads. */
function loadedGroveFiles(specifiers: readonly string[]): string[] {
  const log = path.join(work, `load-${Math.random().toString(36).slice(2)}.log`);
  const script = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join("\n");
  const run = spawnSync(process.execPath, ["--import", loadRecorderImport(), "--input-type=module", "-e", script], {
    cwd: path.join(repoRoot, "packages/cli"),
    env: { ...process.env, GROVE_LOAD_LOG: log },
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return readFileSync(log, "utf8")
    .split("\n")
    .map((url) => /\/packages\/([a-z]+)\/dist\/(.*)$/.exec(url))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}/${m[2]}`);
}

/** Code a warm `grove assemble` or a no-op `grove upgrade` never runs. */
const COLD_PATH_CODE = [
  /^rpm\/(index|read-rpm)\.js$/,
  /^rpm\/(import|payload)\/(?!header-object\.js)/,
  /^repo\/index\.js$/,
  /^repo\/download\//,
  /^repo\/metadata\/(primary|filelists)-parser\.js$/,
  /^core\/index\.js$/,
  /^core\/(import|maintenance)\//,
  /^checkout\/assemble\/(index|maintenance|solve-packages)\.js$/,
];

describe("modules a warm run loads", () => {
  it("grove's entry for assemble loads no download, import, payload or metadata-parsing code", () => {
    const files = loadedGroveFiles([
      "@grove/checkout/assemble/assemble",
      "@grove/checkout/tree-writer",
      // Loaded by assemble() when it builds the generation.
      pathToFileURL(path.join(repoRoot, "packages/checkout/dist/assemble/build-generation.js")).href,
    ]);
    expect(files).toContain("checkout/assemble/assemble.js");
    expect(files.filter((f) => COLD_PATH_CODE.some((re) => re.test(f)))).toEqual([]);
  });

  it("grove's entry for upgrade loads neither the solver nor the rpmdb code", () => {
    const files = loadedGroveFiles(["@grove/checkout/assemble/upgrade"]);
    expect(files).toContain("checkout/assemble/upgrade.js");
    const heavy = files.filter(
      (f) => COLD_PATH_CODE.some((re) => re.test(f)) || /^(repo\/solver|checkout\/rpmdb|rpm\/header)\//.test(f),
    );
    expect(heavy).toEqual([]);
  });

  it("each narrow subpath exports the same bindings as its package's index", async () => {
    const pairs: Array<[string, string]> = [
      ["@grove/core/store", "@grove/core"],
      ["@grove/rpm/version", "@grove/rpm"],
      ["@grove/rpm/header", "@grove/rpm"],
      ["@grove/rpm/header-object", "@grove/rpm"],
      ["@grove/rpm/payload", "@grove/rpm"],
      ["@grove/repo/repo-set", "@grove/repo"],
      ["@grove/repo/repos-dir", "@grove/repo"],
      ["@grove/repo/repo-config", "@grove/repo"],
      ["@grove/repo/solver", "@grove/repo"],
      ["@grove/repo/table-package", "@grove/repo"],
      ["@grove/checkout/assemble/assemble", "@grove/checkout/assemble"],
      ["@grove/checkout/assemble/upgrade", "@grove/checkout/assemble"],
    ];
    for (const [subpath, index] of pairs) {
      const narrow = (await import(subpath)) as Record<string, unknown>;
      const full = (await import(index)) as Record<string, unknown>;
      // A subpath may export internals its index leaves out; the names both export are the same objects.
      const shared = Object.keys(narrow).filter((name) => name in full);
      expect(shared.length, subpath).toBeGreaterThan(0);
      for (const name of shared) expect(full[name], `${subpath} ${name}`).toBe(narrow[name]);
    }
  });
});

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`module-loading.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`module-loading.test.ts bundled-CLI tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)("what the bundled CLI runs on a warm run", () => {
  let store = "";

  beforeAll(() => {
    const repo = buildTinyRepo(
      path.join(work, "repo"),
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
      ],
      work,
    );
    store = path.join(work, "grove");
    for (const args of [["init"], ["repo", "add", "base", repo], ["assemble", "cold", "app"]]) {
      const run = runCli(args, { GROVE_STORE: store });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    }
  }, 300_000);

  /**
   * Runs the bundled CLI with V8's coverage on and returns the grove modules of the bundle a function of which
   * ran (`checkout/assemble/assemble.js`), and the scripts its threads loaded (relative to the repository).
   */
  function bundledRun(args: readonly string[]): { modules: string[]; scripts: string[] } {
    const coverage = mkdtempSync(path.join(work, "coverage-"));
    // No code cache: V8 keeps no coverage counters in cached code.
    const run = runCli(args, { GROVE_STORE: store, GROVE_CODE_CACHE: "off", NODE_V8_COVERAGE: coverage });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return { modules: bundleModulesThatRan(coverage), scripts: scriptsLoaded(coverage) };
  }

  it("a warm grove assemble runs no import, payload, download, metadata-parsing or fsck/gc code", () => {
    const { modules, scripts } = bundledRun(["assemble", "--json", "warm", "app"]);
    expect(modules).toContain("checkout/assemble/assemble.js");
    expect(modules).toContain("checkout/write/write-ops.js");
    expect(modules.filter((m) => COLD_PATH_CODE.some((re) => re.test(m)))).toEqual([]);
    // The launcher, the bundle and the tree writer's bundled worker: no module of a package's own dist/.
    expect(scripts).toEqual([
      "packages/cli/dist/grove-bundle.cjs",
      "packages/cli/dist/grove-tree-writer.cjs",
      "packages/cli/dist/grove.cjs",
    ]);
  });

  it("a no-op grove upgrade runs neither the solver nor the rpmdb code", () => {
    const { modules, scripts } = bundledRun(["upgrade", "--json", "cold"]);
    expect(modules).toContain("checkout/assemble/upgrade.js");
    const heavy = modules.filter(
      (m) => COLD_PATH_CODE.some((re) => re.test(m)) || /^(repo\/solver|checkout\/rpmdb|rpm\/header)\//.test(m),
    );
    expect(heavy).toEqual([]);
    expect(scripts).toEqual(["packages/cli/dist/grove-bundle.cjs", "packages/cli/dist/grove.cjs"]);
  });
});
