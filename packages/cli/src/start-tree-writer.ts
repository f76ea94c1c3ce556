/**
 * Imported first by `main`, for its side effect: when the command is `assemble`, the tree writer's second thread
 * starts before the rest of the CLI runs, so that its start-up (some 60 ms: a worker thread compiles Node's own
 * modules anew) overlaps loading and solving instead of delaying the write.
 * @packageDocumentation
 */

/** Global options that take a value (see `root-command.ts`). */
const VALUE_OPTIONS = new Set(["--store"]);

/**
 * The first argument that is not a global option or its value: the subcommand, or `undefined`.
 * @param args - the arguments after the executable
 */
export function subcommandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return args[i + 1];
    if (!arg.startsWith("-")) return arg;
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return undefined;
}

if (subcommandOf(process.argv.slice(2)) === "assemble") {
  (await import("@grove/checkout/tree-writer")).prestartTreeWriter();
}
