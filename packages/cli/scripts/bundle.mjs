// Bundles the compiled CLI (dist/cli-entry.js, from `tsc -b`) with rolldown into one CommonJS script,
// dist/grove-bundle.cjs, which dist/grove.cjs (what the `grove` bin runs, made here of dist/grove.js) compiles
// with a V8 code cache.
// Run by the root `npm run build` after tsc; see docs/packages/cli.md ("Start-up: the bundle and its code cache").
//
// - @grove/* and commander are inlined. Native and optional dependencies (zstd-napi, lzma-native, sql.js,
//   unbzip2-stream) stay external: they load .node/.wasm files or are optional decoders loaded on demand.
// - One script, not chunks: Node 20 keeps no code cache for ES modules or for files `require` loads, and the cache
//   is what makes loading cheap (a warm `grove assemble` compiles almost nothing). Code a command does not run
//   still costs nothing to run: every dynamic import() becomes a module initialised on first use, and functions
//   V8 never ran are neither compiled nor cached.
// - Worker threads are not bundled: each package finds its worker through its own export map
//   (import.meta.resolve("@grove/checkout/tree-writer-worker"), ...), which the bundle calls __groveResolve, a
//   resolver dist/grove.cjs passes in.
// - The last line is the bundle's sha256, which names its code cache files. dist/grove-bundle.cjs.map maps it
//   to the compiled modules, and dist/grove-bundle.modules.json lists those, for the tests.
import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

/** Bare specifiers left to Node's resolver at run time (besides node: builtins). */
const EXTERNAL_PACKAGES = ["zstd-napi", "lzma-native", "sql.js", "unbzip2-stream"];
/** The bundle, in dist/. */
const BUNDLE = "grove-bundle.cjs";

const cliDir = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const repoRoot = path.resolve(cliDir, "../..");
const distDir = path.join(cliDir, "dist");

/** True when `id` is a builtin or one of {@link EXTERNAL_PACKAGES} (or a file inside one). */
function isExternal(id) {
  if (id.startsWith("node:")) return true;
  return EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
}

/**
 * A rolldown build of `input` for Node, builtins and {@link EXTERNAL_PACKAGES} left external; with `resolver`,
 * `import.meta.resolve` becomes a call of `__groveResolve`, which the script must find in its scope.
 */
function build(input, { resolver = false } = {}) {
  return rolldown({
    input,
    platform: "node",
    cwd: cliDir,
    external: isExternal,
    ...(resolver ? { transform: { define: { "import.meta.resolve": "__groveResolve" } } } : {}),
    onLog(level, log) {
      process.stderr.write(`bundle ${level}: ${log.message}\n`);
    },
  });
}

const started = performance.now();
const bundle = await build(path.join(distDir, "cli-entry.js"), { resolver: true });
// The chunked ES module bundle of earlier builds, if any.
rmSync(path.join(distDir, "grove-chunks"), { recursive: true, force: true });
const { output } = await bundle.generate({
  format: "cjs",
  codeSplitting: false,
  sourcemap: true,
  // Source comments only cost parse time; stack traces keep their function names.
  comments: false,
  // Leave `require` as written instead of renaming it to rolldown's polyfill: the digest and zstd workers'
  // programs are functions serialized with Function#toString and run as `eval` workers, where `require` is
  // the worker's own (a renamed `__require` is undefined there).
  polyfillRequire: false,
  // import() of an external package or builtin becomes require(): a script compiled by node:vm has no module
  // loader of its own for import().
  dynamicImportInCjs: false,
});
await bundle.close();

const [chunk, ...rest] = output.filter((item) => item.type === "chunk");
if (chunk === undefined || rest.length > 0) throw new Error(`bundle: expected one output script, got ${output.length}`);
const map = output.find((item) => item.type === "asset" && item.fileName.endsWith(".map"));
// ASCII only: every other character (a few, in regular expressions and strings of saxes and xmlchars) becomes a
// \u escape, which means the same there. Node then reads the file as a one-byte string, 1.5 ms sooner than
// decoding UTF-8 into a two-byte one. (Source map columns shift on those few lines.)
const ascii = chunk.code.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const code = `${ascii.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n")}//# sourceMappingURL=${BUNDLE}.map\n`;
const sha256 = createHash("sha256").update(code).digest("hex");
writeFileSync(path.join(distDir, BUNDLE), `${code}// grove-bundle-sha256: ${sha256}\n`);
writeFileSync(path.join(distDir, `${BUNDLE}.map`), map === undefined ? JSON.stringify(chunk.map) : map.source);
const modules = chunk.moduleIds
  .filter((id) => path.isAbsolute(id))
  .map((id) => path.relative(repoRoot, id).split(path.sep).join("/"));
writeFileSync(path.join(distDir, "grove-bundle.modules.json"), `${JSON.stringify(modules, null, 1)}\n`);

// dist/grove.cjs, what bin/grove.js loads: dist/grove.js (the code cache loader) as CommonJS.
// It holds @grove/checkout's tree-writer-thread module, to start that thread first: its import.meta.resolve
// (not called there, the launcher names the bundled worker) becomes a resolver from the launcher's directory.
const launcher = await build(path.join(distDir, "grove.js"), { resolver: true });
await launcher.write({
  file: path.join(distDir, "grove.cjs"),
  format: "cjs",
  comments: false,
  banner: 'const __groveResolve = (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href;',
});
await launcher.close();
// dist/grove-tree-writer.cjs: the tree writer's worker thread as one CommonJS script (see grove.ts).
const writer = await build(path.join(repoRoot, "packages/checkout/dist/write/tree-writer-worker.js"));
await writer.write({ file: path.join(distDir, "grove-tree-writer.cjs"), format: "cjs", comments: false });
await writer.close();
const ms = Math.round(performance.now() - started);
process.stdout.write(
  `bundled packages/cli/dist/${BUNDLE}: ${modules.length} modules, ${Math.round(Buffer.byteLength(code) / 1024)} KiB, ${ms} ms\n`,
);
