import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove rm NAME... [--json]`: remove roots with all their generations. */
export const registerRmCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("rm")
    .summary("remove roots and all their generations")
    .description(
      "Remove roots/NAME and every generation of it (trees, records, refs). The packages stay in the " +
        "store until `grove gc` finds them unreferenced.",
    )
    .argument("<names...>", "the roots")
    .option("--json", "print [{name, generations}] as JSON")
    .action(async (names, options) => {
      const { openGroveDir, removeRoot } = await import("@grove/checkout");
      const store = await openGroveDir(resolveStoreDir(root.opts().store, ctx));
      const results = [];
      for (const name of names) results.push(await removeRoot(store, name));
      if (options.json) ctx.stdout(`${JSON.stringify(results)}\n`);
      else {
        for (const r of results) ctx.stdout(`${r.name}: removed (generations ${r.generations.join(", ") || "none"})\n`);
      }
    });
};
