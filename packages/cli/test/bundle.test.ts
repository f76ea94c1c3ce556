/**
 * The bundled CLI (`dist/grove-bundle.cjs`, which `dist/grove.cjs`, what the `grove` bin runs, compiles with its
 * code cache): it inlines the @grove packages and commander, leaves only builtins and the native/optional packages
 * external, and still finds every worker thread: the tree writer's is bundled too (`dist/grove-tree-writer.cjs`,
 * started by the launcher), the others each package resolves through its own export map.
 * The worker runs use packages with 1,500 files each: enough for the two-thread tree writer (about 1,000
 * links per half), the fsck worker pool (256 objects) and a multi-package import on worker threads; and one
 * with a 17 MiB file in a zstd payload and one in a gzip payload, decoded and digested on `eval` workers (programs
 * serialized with Function#toString, which must not refer to anything of the bundle's).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { bundleResolver } from "../src/code-cache.js";
import { type BulkPackage, buildBulkRepo, bulkFileContent } from "./bulk-rpm-repo.js";
import { bundleDir, bundleFile, bundleModules, readLog, writeRecordingPreload } from "./bundle-helpers.js";
import { type CliRun, repoRoot, runCli } from "./run-cli.js";

/** Bare specifiers the bundle may leave to Node's resolver (besides `node:` builtins). */
const EXTERNAL = ["zstd-napi/binding.js", "lzma-native", "sql.js", "unbzip2-stream"];
/** The worker modules, resolved through the packages' export maps. */
const WORKERS = {
  treeWriter: "packages/cli/dist/grove-tree-writer.cjs",
  fsck: "packages/core/dist/maintenance/fsck-worker.js",
  import: "packages/rpm/dist/import/import-worker.js",
};
const workerUrl = (file: string): string => pathToFileURL(path.join(repoRoot, file)).href;

const BULK: BulkPackage[] = [
  { name: "bulk-a", dir: "/usr/share/bulk-a", count: 1500 },
  { name: "bulk-b", dir: "/opt/bulk-b", count: 1500 },
  { name: "bulk-big", dir: "/usr/share/bulk-big", count: 0, bigBytes: 17 << 20 },
  // A large gzip payload too: decoded on the main thread, its compressed stream hashed on the digest worker.
  { name: "bulk-big-gz", dir: "/usr/share/bulk-big-gz", count: 0, bigBytes: 17 << 20, payload: "w6.gzdio" },
];
const NEVRAS = BULK.map((pkg) => `${pkg.name}-1-1.noarch`).sort();

/** Every module specifier a bundle file imports, loads with `require`, or resolves. */
function specifiersIn(code: string): string[] {
  const patterns = [
    /\bfrom\s*"([\w@./:-]+)"/g,
    /^import\s*"([\w@./:-]+)"/gm,
    /\bimport\(\s*"([\w@./:-]+)"\s*\)/g,
    /\b(?:__)?require\(\s*"([\w@./:-]+)"\s*\)/g,
    /\.resolve\(\s*"([\w@./:-]+)"\s*\)/g,
    /\b__groveResolve\(\s*"([\w@./:-]+)"\s*\)/g,
  ];
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]!));
}

describe("the bundled CLI's files", () => {
  it("inline the @grove packages and commander, and leave only builtins and native/optional packages outside", () => {
    const modules = bundleModules();
    for (const pkg of ["cli", "core", "rpm", "repo", "checkout"]) {
      expect(
        modules.some((m) => m.startsWith(`packages/${pkg}/dist/`)),
        pkg,
      ).toBe(true);
    }
    expect(modules).toContain("node_modules/commander/index.js");
    expect(modules.filter((m) => /^packages\/[a-z]+\/src\//.test(m))).toEqual([]);
    // The launcher, the bundle and the tree writer's worker point at nothing but builtins (`url` is rolldown's,
    // for import.meta.url), externals and the packages' workers.
    const outside: string[] = [];
    for (const file of ["grove.cjs", "grove-bundle.cjs", "grove-tree-writer.cjs"]) {
      for (const spec of specifiersIn(readFileSync(path.join(bundleDir, file), "utf8"))) {
        if (isBuiltin(spec) || EXTERNAL.includes(spec) || /^@grove\/[a-z]+\/[a-z-]+-worker$/.test(spec)) {
          continue;
        }
        outside.push(`${file}: ${spec}`);
      }
    }
    expect(outside).toEqual([]);
    // Its last line names it by content, for the code cache.
    const code = readFileSync(bundleFile, "utf8");
    const marker = "// grove-bundle-sha256: ";
    const body = code.slice(0, code.lastIndexOf(marker));
    expect(code.slice(body.length)).toBe(`${marker}${createHash("sha256").update(body).digest("hex")}\n`);
  });

  it("resolve each worker they name to the package's own worker module, the tree writer's to its bundled copy", () => {
    const named = specifiersIn(readFileSync(bundleFile, "utf8")).filter((s) =>
      /^@grove\/[a-z]+\/[a-z-]+-worker$/.test(s),
    );
    expect([...new Set(named)].sort()).toEqual([
      "@grove/checkout/tree-writer-worker",
      "@grove/core/fsck-worker",
      "@grove/rpm/import-worker",
    ]);
    // What the bundle's __groveResolve does without the launcher's override, and the override.
    const resolve = bundleResolver(bundleFile);
    expect(resolve("@grove/core/fsck-worker")).toBe(workerUrl(WORKERS.fsck));
    expect(resolve("@grove/rpm/import-worker")).toBe(workerUrl(WORKERS.import));
    expect(resolve("@grove/checkout/tree-writer-worker")).toBe(
      workerUrl("packages/checkout/dist/write/tree-writer-worker.js"),
    );
    const overridden = bundleResolver(bundleFile, {
      "@grove/checkout/tree-writer-worker": workerUrl(WORKERS.treeWriter),
    });
    expect(overridden("@grove/checkout/tree-writer-worker")).toBe(workerUrl(WORKERS.treeWriter));
    expect(readFileSync(path.join(bundleDir, "grove.cjs"), "utf8")).toContain('"@grove/checkout/tree-writer-worker"');
  });

  it("run from bin/grove.js as an executable, through its launcher line", () => {
    const bin = path.join(repoRoot, "packages/cli/bin/grove.js");
    expect(readFileSync(bin, "utf8").split("\n").slice(0, 2)).toEqual([
      "#!/bin/sh",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a placeholder
      '":" //; export GROVE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS-}" MALLOC_MMAP_THRESHOLD_=131072; unset NODE_EXTRA_CA_CERTS; exec node --max-semi-space-size=1 "$0" "$@"',
    ]);
    const run = spawnSync(bin, ["--version"], { encoding: "utf8" });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `${JSON.parse(readFileSync(path.join(repoRoot, "packages/cli/package.json"), "utf8")).version}\n`,
    );
  });

  it("are what bin/grove.js runs", () => {
    const run = spawnSync(process.execPath, [path.join(repoRoot, "packages/cli/bin/grove.js"), "--version"], {
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(
      `${JSON.parse(readFileSync(path.join(repoRoot, "packages/cli/package.json"), "utf8")).version}\n`,
    );
  });
});

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`bundle.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`bundle.test.ts worker tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)("the bundled CLI's worker threads", () => {
  let work = "";
  let repo = "";
  let store = "";
  let preload = "";
  let workerLog = "";

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "grove-bundle-"));
    repo = buildBulkRepo(path.join(work, "repo"), BULK, work);
    store = path.join(work, "grove");
    preload = writeRecordingPreload(work);
  }, 300_000);
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  /** Runs the bundled CLI on the test's grove directory, recording the workers it hands jobs to. */
  const grove = (...args: string[]): CliRun => {
    workerLog = path.join(work, `workers-${Math.random().toString(36).slice(2)}.log`);
    return runCli(args, {
      GROVE_STORE: store,
      GROVE_WORKER_LOG: workerLog,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(preload).href}`.trim(),
    });
  };
  const ok = (...args: string[]): string => {
    const run = grove(...args);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return run.stdout;
  };

  it("grove assemble decodes and digests a large payload on one eval worker, and writes with the tree writer thread", () => {
    ok("init");
    ok("repo", "add", "bulk", repo);
    const [result] = JSON.parse(ok("assemble", "--json", "big", ...BULK.map((pkg) => pkg.name))) as Array<{
      path: string;
      packages: string[];
    }>;
    // The job went to the tree writer's bundled worker, which the launcher started.
    const workers = readLog(workerLog);
    expect(workers).toContain(workerUrl(WORKERS.treeWriter));
    expect(workers).toContain("eval:payloadWorkerMain");
    // The large zstd payload is decoded on the worker that hashes its compressed stream: one thread, not two.
    const jobWorkers = (job: string) =>
      new Set(workers.filter((l) => l.startsWith(`job ${job} `)).map((l) => l.split(" ").at(-1)));
    expect(jobWorkers("zstd").size).toBeGreaterThan(0);
    expect([...jobWorkers("zstd")].every((id) => jobWorkers("digest").has(id))).toBe(true);
    expect([...result!.packages].sort()).toEqual(NEVRAS);
    for (const big of BULK.slice(2)) {
      const bigFile = readFileSync(path.join(result!.path, big.dir, "big"));
      expect(bigFile.length).toBe(big.bigBytes);
      const line = `${big.name} big file\n`;
      expect(bigFile.subarray(0, line.length * 2).toString()).toBe(line + line);
    }
    for (const pkg of BULK.slice(0, 2)) {
      const dir = path.join(result!.path, pkg.dir);
      expect(readdirSync(dir).length, pkg.dir).toBe(pkg.count);
      for (const index of [0, 749, pkg.count - 1]) {
        expect(readFileSync(path.join(dir, String(index)), "utf8")).toBe(bulkFileContent(pkg, index));
      }
    }
  });

  it.skipIf(availableParallelism() < 2)("grove fsck hashes the objects on its worker pool", () => {
    const report = JSON.parse(ok("fsck", "--json")) as {
      ok: boolean;
      store: { objectsChecked: number; problems: unknown[] };
    };
    expect(readLog(workerLog)).toContain(workerUrl(WORKERS.fsck));
    expect(report.ok).toBe(true);
    expect(report.store.problems).toEqual([]);
    // 3,000 distinct files, plus each package's header object.
    expect(report.store.objectsChecked).toBeGreaterThanOrEqual(3000);
  });
});
