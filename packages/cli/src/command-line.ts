/**
 * What the command line asks for, told before the CLI is loaded: which command runs (the code cache is kept per
 * command, `code-cache.ts`) and whether it writes a tree (then the tree writer's second thread starts before
 * the rest of the CLI runs, so that its start-up, 25 ms on an idle machine and 60 ms and more beside a busy main
 * thread, overlaps loading and solving instead of delaying the write).
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

/**
 * Whether the arguments ask for a command that writes a tree: `assemble`, unless it is asked for its help
 * (`--help` or `-h` before a `--`), which writes nothing and would only wait for the thread to start at exit.
 * @param args - the arguments after the executable
 */
export function writesTree(args: readonly string[]): boolean {
  if (subcommandOf(args) !== "assemble") return false;
  const end = args.indexOf("--");
  return !(end < 0 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h");
}
