// Bundles the compiled CLI (dist/main.js, from `tsc -b`) with rolldown into dist/grove.js plus lazily loaded
// chunks in dist/grove-chunks/, so that a command loads a few files instead of some 190 ES modules.
// Run by the root `npm run build` after tsc; see docs/packages/cli.md.
//
// - @grove/* and commander are inlined. Native and optional dependencies (zstd-napi, lzma-native, sql.js,
//   unbzip2-stream) stay external: they load .node/.wasm files or are optional decoders loaded on demand.
// - Dynamic import()s stay lazy. Code a warm command never runs (COLD below) is left to rolldown's automatic
//   chunks, one per dynamic import; the rest of the libraries goes into three chunks (GROUPS below).
// - Worker threads are not bundled: each package finds its worker through its own export map
//   (import.meta.resolve("@grove/checkout/tree-writer-worker"), ...), which rolldown leaves alone.
// - dist/grove-chunks/modules.json lists the source modules in each output file, for the tests that check
//   what a command loads.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

/** Bare specifiers left to Node's resolver at run time (besides node: builtins). */
const EXTERNAL_PACKAGES = ["zstd-napi", "lzma-native", "sql.js", "unbzip2-stream"];

const cliDir = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const repoRoot = path.resolve(cliDir, "../..");
const distDir = path.join(cliDir, "dist");
const chunksDir = "grove-chunks";

/**
 * Source modules a warm command never runs (RPM import, payload decoding, downloads, metadata parsing, fsck and
 * gc, the packages' index modules): they stay in rolldown's automatic chunks, one per dynamic import, loaded
 * only when used. `packages/cli/test/module-loading.test.ts` checks a warm run loads none of them.
 */
const COLD = [
  /\/core\/dist\/(index\.js|import\/|maintenance\/)/,
  /\/rpm\/dist\/(index\.js|read-rpm\.js|read-file-chunks\.js|types\.js|io\/|payload\/|import\/(?!header-object\.js))/,
  /\/repo\/dist\/(index\.js|download\/|fetch\/(?!checksum\.js)|metadata\/(primary|filelists)-parser\.js|metadata\/metadata-file\.js|model\/(package-table-builder|dep-flags)\.js)/,
  /\/checkout\/dist\/(index\.js|assemble\/(index|maintenance|prune-caches|solve-packages)\.js)/,
];

/**
 * Where the other library modules go, first match wins: four chunks, so that a warm run loads a handful of
 * files (`packages/cli/test/module-loading.test.ts` checks how many).
 * - `tree-writer`: starting the tree writer's thread (`main` does it first thing for `assemble`);
 * - `store`: the content store (@grove/core), which every command loads;
 * - `roots`: what a no-op `grove upgrade` needs: root generations, repository configuration and cache;
 * - `assemble`: the solver, RPM headers and versions, planning and writing trees, the rpmdb.
 */
const GROUPS = [
  // Alone, so that `main` can start the writer thread before loading anything else.
  ["tree-writer", /\/checkout\/dist\/write\/tree-writer-thread\.js$/],
  ["store", /\/core\/dist\//],
  [
    "roots",
    /\/checkout\/dist\/(generations\/(?!assemble-root|merge-generation|checkout-package-set)|write\/remove-tree\.js|assemble\/(current-generation|grove-dir|grove-repos|root-request|up-to-date-note|upgrade)\.js)/,
  ],
  ["roots", /\/repo\/dist\/(?!solver\/)|\/node_modules\/(saxes|xmlchars)\//],
  ["assemble", /\/(checkout|rpm)\/dist\/|\/repo\/dist\/solver\//],
];

/** The chunk a module goes in, or null to leave it to rolldown's automatic chunks (cold code, the CLI, commander). */
function chunkGroup(id) {
  if (COLD.some((re) => re.test(id))) return null;
  return GROUPS.find(([, re]) => re.test(id))?.[0] ?? null;
}

/** CommonJS code in the bundle (commander, saxes) loads builtins with `require`: chunks holding it get one. */
const REQUIRE_SHIM =
  'import { createRequire as __groveCreateRequire } from "node:module";\nconst require = __groveCreateRequire(import.meta.url);';

/** True when `id` is a builtin or one of {@link EXTERNAL_PACKAGES} (or a file inside one). */
function isExternal(id) {
  if (id.startsWith("node:")) return true;
  return EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
}

const started = performance.now();
const bundle = await rolldown({
  input: { grove: path.join(distDir, "main.js") },
  platform: "node",
  cwd: cliDir,
  external: isExternal,
  // The entry exports nothing; chunks may export what other chunks need.
  preserveEntrySignatures: "allow-extension",
  onLog(level, log) {
    process.stderr.write(`bundle ${level}: ${log.message}\n`);
  },
});
// Chunk names carry content hashes: clear the old ones so the directory holds only this build's.
rmSync(path.join(distDir, chunksDir), { recursive: true, force: true });
const { output } = await bundle.write({
  dir: distDir,
  format: "esm",
  entryFileNames: "[name].js",
  chunkFileNames: `${chunksDir}/[name]-[hash].js`,
  // Source comments only cost parse time; stack traces keep their function names.
  comments: false,
  // Leave `require` as written instead of renaming it to rolldown's polyfill: the digest and zstd workers'
  // programs are functions serialized with Function#toString and run as `eval` workers, where `require` is
  // the worker's own (a renamed `__require` is undefined there). CommonJS code gets REQUIRE_SHIM instead.
  polyfillRequire: false,
  banner: (chunk) => (chunk.moduleIds.some((id) => id.includes("/node_modules/")) ? REQUIRE_SHIM : ""),
  // A group holds just the modules chunkGroup names, not their dependencies too (those are in their own group).
  codeSplitting: { includeDependenciesRecursively: false, groups: [{ name: chunkGroup, debugName: "grove areas" }] },
});
await bundle.close();

const modules = {};
let bytes = 0;
for (const chunk of output) {
  if (chunk.type !== "chunk") continue;
  bytes += Buffer.byteLength(chunk.code);
  modules[chunk.fileName] = chunk.moduleIds
    .filter((id) => path.isAbsolute(id))
    .map((id) => path.relative(repoRoot, id).split(path.sep).join("/"));
}
mkdirSync(path.join(distDir, chunksDir), { recursive: true });
writeFileSync(path.join(distDir, chunksDir, "modules.json"), `${JSON.stringify(modules, null, 1)}\n`);
const ms = Math.round(performance.now() - started);
process.stdout.write(
  `bundled packages/cli/dist/grove.js: ${Object.keys(modules).length} files, ${Math.round(bytes / 1024)} KiB, ${ms} ms\n`,
);
