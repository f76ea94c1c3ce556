import type { CliContext } from "../context.js";
import { capHeapGrowthOnImport } from "../import-memory.js";
import { networkOptions } from "../network-options.js";
import { progressReporter } from "../output/progress-reporter.js";
import { renderRootResult } from "../output/root-result-text.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove assemble NAME PKG... [--json] [--no-weak-deps]`: solve, fetch what is missing, build a new generation. */
export const registerAssembleCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("assemble")
    .summary("build a root from packages (a new generation of it when it exists)")
    .description(
      "Solve the packages against the configured repositories, download only what the store lacks, " +
        "import it, and check the whole set out as a new generation roots/NAME.G; roots/NAME then " +
        "points at it. An existing root's /etc and /var are merged into the new generation. " +
        "With --json, standard output is a JSON array with one object: name, generation, path, " +
        "packages, downloaded, upgraded, added, removed, elapsedMs.",
    )
    .argument("<name>", "the root's name")
    .argument("<packages...>", "package specs: names, name.arch, provides, file paths")
    .option("--json", "print the result as JSON and nothing else on standard output")
    .option("--no-weak-deps", "do not install weak dependencies (Recommends, Supplements)")
    .option("--refresh", "mark the repository metadata as expired before running (like dnf --refresh)")
    .action(async (name, packages, options) => {
      // The tree writer's second thread starts now (if `main` has not started it), so that its start-up overlaps
      // loading and solving.
      const { prestartTreeWriter } = await import("@grove/checkout/tree-writer");
      prestartTreeWriter();
      const { assemble } = await import("@grove/checkout/assemble/assemble");
      const progress = progressReporter(ctx, options.json === true);
      try {
        const result = await assemble(resolveStoreDir(root.opts().store, ctx), name, packages, {
          weakDeps: options.weakDeps,
          onProgress: capHeapGrowthOnImport(progress.listener),
          network: networkOptions(ctx, options.refresh === true),
        });
        progress.finish();
        ctx.stdout(options.json ? `${JSON.stringify([result], null, 2)}\n` : renderRootResult(result));
      } finally {
        progress.finish();
      }
    });
};
