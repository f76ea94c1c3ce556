import type { CliContext } from "../context.js";
import { capHeapGrowthOnImport } from "../import-memory.js";
import { networkOptions } from "../network-options.js";
import { progressReporter } from "../output/progress-reporter.js";
import { renderRootResult } from "../output/root-result-text.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove upgrade [NAME...] [--json]`: re-solve roots; build a new generation only when something changed. */
export const registerUpgradeCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("upgrade")
    .summary("upgrade roots to the newest packages (all roots by default)")
    .description(
      "Re-solve each root's recorded request against its installed packages and the repositories (whose " +
        "metadata is checked with the server once older than metadata_expire, 48 hours by default; " +
        '--refresh checks now, like dnf). When nothing changed, print "NAME: up to date" and change nothing. Otherwise download ' +
        "only what the store lacks, build generation G+1 (merging /etc and /var from G), swap roots/NAME " +
        "to it and keep G. With --json, standard output is a JSON array with one object per root.",
    )
    .argument("[names...]", "the roots to upgrade (default: all)")
    .option("--json", "print the results as JSON and nothing else on standard output")
    .option("--refresh", "mark the repository metadata as expired before running (like dnf --refresh)")
    .action(async (names, options) => {
      const { upgrade } = await import("@grove/checkout/assemble/upgrade");
      const progress = progressReporter(ctx, options.json === true);
      try {
        const results = await upgrade(resolveStoreDir(root.opts().store, ctx), names, {
          onProgress: capHeapGrowthOnImport(progress.listener),
          network: networkOptions(ctx, options.refresh === true),
        });
        progress.finish();
        if (options.json) ctx.stdout(`${JSON.stringify(results, null, 2)}\n`);
        else if (results.length === 0)
          ctx.stdout("no roots to upgrade (create one with `grove assemble NAME PKG...`)\n");
        else ctx.stdout(results.map(renderRootResult).join(""));
      } finally {
        progress.finish();
      }
    });
};
