import type { CliContext } from "../context.js";
import { networkOptions } from "../network-options.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** `grove solve PKG... [--json] [--no-weak-deps]`: print the package set a root would get. */
export const registerSolveCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("solve")
    .summary("resolve packages and print the set, without downloading")
    .description(
      "Solve the package specs against the configured repositories and print the complete package set " +
        'as NEVRAs (rpm\'s %{NEVRA}), sorted. With --json: {"install": [NEVRA...]}.',
    )
    .argument("<packages...>", "package specs: names, name.arch, provides, file paths")
    .option("--json", 'print {"install": [NEVRA...]}')
    .option("--no-weak-deps", "do not install weak dependencies (Recommends, Supplements)")
    .option("--refresh", "mark the repository metadata as expired before running (like dnf --refresh)")
    .action(async (packages, options) => {
      const { solvePackages } = await import("@grove/checkout/assemble");
      const result = await solvePackages(resolveStoreDir(root.opts().store, ctx), packages, {
        weakDeps: options.weakDeps,
        network: networkOptions(ctx, options.refresh === true),
      });
      if (options.json) ctx.stdout(`${JSON.stringify({ install: result.install })}\n`);
      else ctx.stdout(result.install.map((nevra) => `${nevra}\n`).join(""));
    });
};
