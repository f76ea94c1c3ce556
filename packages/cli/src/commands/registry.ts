import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";
import { registerAssembleCommand } from "./assemble.js";
import { registerFsckCommand } from "./fsck.js";
import { registerGcCommand } from "./gc.js";
import { registerInitCommand } from "./init.js";
import { registerInspectCommand } from "./inspect.js";
import { registerListCommand } from "./list.js";
import { registerRepoCommand } from "./repo.js";
import { registerRmCommand } from "./rm.js";
import { registerRollbackCommand } from "./rollback.js";
import { registerSolveCommand } from "./solve.js";
import { registerUpgradeCommand } from "./upgrade.js";

/**
 * Adds one subcommand to the root command. Each command lives in its own file under `src/commands/`
 * and exports one of these; the action parses options, calls a library and prints.
 */
export type RegisterCommand = (root: RootCommand, ctx: CliContext) => void;

/** Every `grove` subcommand, in the order `grove --help` lists them. */
export const commandRegistry: readonly RegisterCommand[] = [
  registerInitCommand,
  registerRepoCommand,
  registerSolveCommand,
  registerAssembleCommand,
  registerUpgradeCommand,
  registerRollbackCommand,
  registerListCommand,
  registerRmCommand,
  registerGcCommand,
  registerFsckCommand,
  registerInspectCommand,
];
