/**
 * The bundled CLI's entry (`scripts/bundle.mjs` makes `dist/grove-bundle.cjs` of this module and everything it
 * loads): runs one command line. `grove.ts` runs the bundle; `main.ts` runs the same from the unbundled files.
 * @packageDocumentation
 */
import type { Worker } from "node:worker_threads";
import { writesTree } from "./command-line.js";
import type { ExitCodeValue } from "./exit-codes.js";

export { packagesFetched } from "./import-memory.js";

/** What the launcher hands over. */
export interface CommandLineOptions {
  /**
   * The tree writer's thread, when the launcher started it before loading the CLI (for `grove assemble`, with
   * `startTreeWriterThread`, in the same turn of the event loop as this call).
   */
  treeWriter?: Worker;
}

/**
 * Runs `grove` on `argv` (the arguments after the executable) in this process and returns the exit code: for
 * `grove assemble` it first starts the tree writer's thread, then loads the commands and runs them.
 * @param argv - the arguments after the executable
 * @param options - what the launcher started already
 */
export async function runCommandLine(
  argv: readonly string[],
  options: CommandLineOptions = {},
): Promise<ExitCodeValue> {
  if (writesTree(argv)) (await import("@grove/checkout/tree-writer")).prestartTreeWriter(options.treeWriter);
  else if (options.treeWriter !== undefined) void options.treeWriter.terminate();
  const { runGrove } = await import("./run.js");
  // `grove inspect x.rpm --json | head` closes the pipe early: that is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
  return runGrove(argv);
}
