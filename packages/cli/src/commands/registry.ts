import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";
import { registerInspectCommand } from "./inspect.js";

/**
 * Adds one subcommand to the root command. Each command lives in its own file under `src/commands/`
 * and exports one of these; the action parses options, calls a library and prints.
 */
export type RegisterCommand = (root: RootCommand, ctx: CliContext) => void;

/**
 * Every `grove` subcommand, in the order `grove --help` lists them.
 * Planned: init, assemble, upgrade, rollback, list, rm, gc, fsck, solve, repo.
 */
export const commandRegistry: readonly RegisterCommand[] = [registerInspectCommand];
