import { commandRegistry } from "./commands/registry.js";
import type { CliContext } from "./context.js";
import { createRootCommand, type RootCommand } from "./root-command.js";

/** The complete `grove` program: the root command with every subcommand registered. */
export function createProgram(ctx: CliContext): RootCommand {
  const root = createRootCommand(ctx);
  for (const register of commandRegistry) register(root, ctx);
  return root;
}
