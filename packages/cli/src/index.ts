/**
 * `@grove/cli`: the `grove` command line. It only parses arguments and prints; the work is done by
 * `@grove/core`, `@grove/rpm`, `@grove/repo` and `@grove/checkout`.
 *
 * @packageDocumentation
 */
export { type CliContext, processContext } from "./context.js";
export { ExitCode, type ExitCodeValue } from "./exit-codes.js";
export { createProgram } from "./program.js";
export type { RootCommand } from "./root-command.js";
export { runGrove } from "./run.js";
export { resolveStoreDir } from "./store-dir.js";
