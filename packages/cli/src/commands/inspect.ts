import type { CliContext } from "../context.js";
import type { RootCommand } from "../root-command.js";

/** `grove inspect FILE.rpm [--json] [--no-verify]`: read one package, verify it, print a summary. */
export const registerInspectCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("inspect")
    .summary("show what an RPM package contains, after verifying it")
    .description(
      "Read an RPM package completely and print its metadata, dependencies and files. " +
        "By default the header digests, payload digests and every file digest are verified; " +
        "a package that fails verification makes the command fail.",
    )
    .argument("<file>", "the .rpm file to read")
    .option("--json", "print one JSON object instead of the text summary")
    .option("--no-verify", "do not check digests (still reads the whole payload)")
    .action(async (file, options) => {
      // Loaded here: the rpm reader is needed by this command only.
      const [{ inspectPackage }, { packageToJson }, { renderPackageSummary }] = await Promise.all([
        import("./inspect-package.js"),
        import("../output/package-json.js"),
        import("../output/package-summary.js"),
      ]);
      const inspected = await inspectPackage(file, options.verify);
      if (options.json) ctx.stdout(`${JSON.stringify(packageToJson(inspected), null, 2)}\n`);
      else ctx.stdout(renderPackageSummary(inspected));
    });
};
