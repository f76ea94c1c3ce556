import type { CliContext } from "../context.js";
import { formatSize } from "../output/format-size.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove gc [--keep N] [--json]`: prune old generations, then collect the store. */
export const registerGcCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("gc")
    .summary("remove old generations and unreferenced store content")
    .description(
      "Keep the newest N generations of each root (default 2) plus the current one, remove the rest,\n" +
        "then remove every package commit and file object no remaining generation references.",
    )
    .option("--keep <n>", "generations to keep per root", (value) => Number(value), 2)
    .option("--json", "print {pruned, gc} as JSON")
    .action(async (options) => {
      const { collectGarbage } = await import("@grove/checkout");
      const result = await collectGarbage(resolveStoreDir(root.opts().store, ctx), { keep: options.keep });
      if (options.json) {
        ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      for (const p of result.pruned) {
        if (p.removed.length > 0) ctx.stdout(`${p.name}: removed generations ${p.removed.join(", ")}\n`);
      }
      const g = result.gc;
      ctx.stdout(
        `store: removed ${g.commitsRemoved} commits and ${g.objectsRemoved} objects (${formatSize(g.bytesFreed)} freed); kept ${g.commitsKept} commits and ${g.objectsKept} objects\n`,
      );
    });
};
