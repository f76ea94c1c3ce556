import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove rollback NAME [--to G] [--json]`: point the root back at its previous generation. */
export const registerRollbackCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("rollback")
    .summary("make a root's previous generation current again")
    .description(
      "Swap roots/NAME back to the newest complete generation older than the current one (or to " +
        "generation --to G). Both generations are kept; a later upgrade builds from the current one.",
    )
    .argument("<name>", "the root")
    .option("--to <generation>", "the generation to make current", (value) => Number(value))
    .option("--json", "print {name, from, to, path} as JSON")
    .action(async (name, options) => {
      const { openGroveDir, rollbackRoot } = await import("@grove/checkout");
      const store = await openGroveDir(resolveStoreDir(root.opts().store, ctx));
      const result = await rollbackRoot(store, name, options.to === undefined ? {} : { to: options.to });
      if (options.json) ctx.stdout(`${JSON.stringify(result)}\n`);
      else ctx.stdout(`${result.name}: generation ${result.to} is current again (was ${result.from})\n`);
    });
};
