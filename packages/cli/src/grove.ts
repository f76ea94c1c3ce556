/**
 * What the `grove` bin runs (`bin/grove.js` loads `dist/grove.cjs`, which `scripts/bundle.mjs` makes of this
 * module): the bundled CLI, `dist/grove-bundle.cjs`, compiled with its code cache (`code-cache.ts`), on the
 * process arguments. A successful run that fetched no packages and whose cache V8 did not accept writes a new one
 * as the process exits.
 * CommonJS from the bin on: Node's ES module loader would cost a warm `grove assemble` 7 ms more to start.
 * @packageDocumentation
 */
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { startTreeWriterThread } from "@grove/checkout/tree-writer";
import type { packagesFetched, runCommandLine } from "./cli-entry.js";
import { type CachedScript, codeCacheDir, runCachedScript } from "./code-cache.js";
import { subcommandOf, writesTree } from "./command-line.js";

const argv = process.argv.slice(2);
const bundle = fileURLToPath(new URL("grove-bundle.cjs", import.meta.url));
// The tree writer's worker module, bundled too (one CommonJS file starts faster than its ES modules).
const treeWriterWorker = new URL("grove-tree-writer.cjs", import.meta.url);
// Started first: the thread's own start-up (some 30 ms) then overlaps loading the CLI, and solving.
const treeWriter = writesTree(argv) ? startTreeWriterThread(treeWriterWorker) : undefined;
let cli: CachedScript<{ runCommandLine: typeof runCommandLine; packagesFetched: typeof packagesFetched }>;
try {
  cli = runCachedScript(bundle, {
    dir: codeCacheDir(process.env),
    label: subcommandOf(argv) ?? "none",
    resolve: { "@grove/checkout/tree-writer-worker": treeWriterWorker.href },
  });
} catch (err) {
  if ((err as NodeJS.ErrnoException).code !== "ENOENT" || (err as NodeJS.ErrnoException).path !== bundle) throw err;
  process.stderr.write(
    `grove: the CLI is not built yet (${bundle} is missing)\nhint: run 'npm run build' at the repository root\n`,
  );
  process.exit(1);
}
process.on("exit", (code) => {
  // A cache V8 took is kept as it is (saveCache writes nothing): no flags to put back then.
  if (code !== 0 || cli.cache === "accepted") return;
  // Nor is one made after downloading and importing packages: V8 drops the bytecode of functions that have not
  // run for a few of the many full collections an import causes (bytecode flushing), so such a cache lacks most
  // of what a warm run runs first, and a warm assemble that took it ran as slowly as one with no cache at all
  // (123 against 126 ms; 105 with the cache a warm run made). The next run that fetches nothing makes it.
  if (cli.exports.packagesFetched()) return;
  restoreRuntimeFlags();
  cli.saveCache();
});

/**
 * V8 flags grove sets while it runs, each with its default, in runs that may make a code cache (the heap growth
 * cap of `src/import-memory.ts` is set only in runs that fetch packages, which make none). V8 makes a code cache
 * under the flags of the moment and takes it only under the same, and the next run starts with the defaults: a
 * cache made after building an rpmdb would be rejected. `test/code-cache.test.ts` checks that a warm run takes
 * the cache a run that built an rpmdb made.
 */
const RUNTIME_FLAGS: ReadonlyArray<[name: string, atDefault: string]> = [
  // @grove/rpm's payload workers, to collect garbage after each job (V8's flags are the process's).
  ["expose-gc", "--no-expose-gc"],
  // @grove/checkout's rpmdb, while sql.js compiles. It puts the flag back, but not the two it implied.
  ["liftoff-only", "--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering"],
];

/** Puts the {@link RUNTIME_FLAGS} back to their defaults, except those the process was started with. */
function restoreRuntimeFlags(): void {
  const given = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`.replaceAll("_", "-");
  for (const [name, atDefault] of RUNTIME_FLAGS) {
    if (!given.includes(name)) setFlagsFromString(atDefault);
  }
}
cli.exports.runCommandLine(argv, { treeWriter }).then((code) => {
  process.exitCode = code;
});
