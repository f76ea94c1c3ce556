import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove init [DIR] [--json]`: create a grove directory (store, repos.d, roots, cache, tmp, state). */
export const registerInitCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("init")
    .summary("create a grove directory")
    .description(
      "Create a grove directory: the content store plus repos.d/, roots/, cache/, tmp/ and state/. " +
        "DIR defaults to the store directory (--store, $GROVE_STORE, $XDG_DATA_HOME/grove). " +
        "Running it on an existing grove directory changes nothing.",
    )
    .argument("[dir]", "the directory to create")
    .option("--json", "print {dir, created} as JSON")
    .action(async (dir, options) => {
      const { initGroveDir } = await import("@grove/checkout/assemble");
      const result = await initGroveDir(dir ?? resolveStoreDir(root.opts().store, ctx));
      if (options.json) ctx.stdout(`${JSON.stringify(result)}\n`);
      else ctx.stdout(`${result.created ? "created" : "already a grove directory:"} ${result.dir}\n`);
    });
};
