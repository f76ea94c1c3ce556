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
      "Keep the newest N generations of each root (default 2) plus the current one, remove the rest, " +
        "then remove every package and file object no remaining generation uses. Packages imported in " +
        "the last --package-grace seconds (default 900) are kept: an assembly may be about to use them.",
    )
    .option("--keep <n>", "generations to keep per root", (value) => Number(value), 2)
    .option("--package-grace <seconds>", "keep packages imported this recently", (value) => Number(value), 900)
    .option("--json", "print {pruned, packageRefsRemoved, gc, caches} as JSON")
    .action(async (options) => {
      const { collectGarbage } = await import("@grove/checkout/assemble");
      const result = await collectGarbage(resolveStoreDir(root.opts().store, ctx), {
        keep: options.keep,
        packageGraceMs: options.packageGrace * 1000,
      });
      if (options.json) {
        ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      for (const p of result.pruned) {
        if (p.removed.length > 0) ctx.stdout(`${p.name}: removed generations ${p.removed.join(", ")}\n`);
      }
      if (result.packageRefsRemoved > 0) ctx.stdout(`packages no root uses any more: ${result.packageRefsRemoved}\n`);
      const g = result.gc;
      ctx.stdout(
        `store: removed ${g.commitsRemoved} commits and ${g.objectsRemoved} objects (${formatSize(g.bytesFreed)} freed); kept ${g.commitsKept} commits and ${g.objectsKept} objects\n`,
      );
      const c = result.caches;
      if (c.rpmdbs + c.symlinks + c.recipes + c.solutions > 0) {
        ctx.stdout(
          `caches: removed ${c.rpmdbs} cached rpmdbs, ${c.recipes} checkout recipes, ${c.solutions} cached solutions and ${c.symlinks} unused pool symlinks\n`,
        );
      }
    });
};
