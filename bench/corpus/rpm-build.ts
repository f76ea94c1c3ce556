/**
 * Running `rpmbuild -bb` on a generated spec, reproducibly and without rpm's build-root post-processing (the
 * payload must be Debian's files byte for byte: no stripping, no man-page recompression, no build-id links).
 * @packageDocumentation
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { runCommand } from "./run-command.js";

/** The build time and file-time clamp of every corpus package (2025-01-01T00:00:00Z). */
export const SOURCE_DATE_EPOCH = 1_735_689_600;

/** The build host recorded in every corpus package. */
export const BUILD_HOST = "corpus.grove.invalid";

/** Inputs of one rpmbuild run. */
export interface RpmBuildJob {
  /** Spec file text. */
  spec: string;
  /** Package name (names the spec file). */
  name: string;
  /** `%_binary_payload`, e.g. `w19.zstdio`. */
  binaryPayload: string;
  /** Scratch directory (created); rpmbuild's topdir lives inside. */
  workDir: string;
  /** Directory that receives the .rpm (created). */
  outputDir: string;
}

/**
 * Build the binary package and return the path of the .rpm file.
 * @throws GroveError `CORPUS_COMMAND_FAILED` when rpmbuild fails (the message ends with its stderr),
 *   `CORPUS_NO_RPM_PRODUCED` when it succeeded without writing exactly one package.
 */
export async function buildRpm(job: RpmBuildJob): Promise<string> {
  const topdir = path.join(job.workDir, "rpmbuild");
  const tmp = path.join(job.workDir, "tmp");
  await mkdir(tmp, { recursive: true });
  await mkdir(job.outputDir, { recursive: true });
  const specPath = path.join(job.workDir, `${job.name}.spec`);
  await writeFile(specPath, job.spec);
  const defines: Record<string, string> = {
    _topdir: topdir,
    _tmppath: tmp,
    _rpmdir: job.outputDir,
    _build_name_fmt: "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm",
    _binary_payload: job.binaryPayload,
    _binary_filedigest_algorithm: "8",
    __spec_install_post: "%{nil}",
    debug_package: "%{nil}",
    _build_id_links: "none",
    _buildhost: BUILD_HOST,
    use_source_date_epoch_as_buildtime: "1",
    clamp_mtime_to_source_date_epoch: "1",
  };
  const args = ["-bb", "--quiet"];
  for (const [name, value] of Object.entries(defines)) args.push("--define", `${name} ${value}`);
  args.push(specPath);
  await runCommand("rpmbuild", args, {
    cwd: job.workDir,
    env: { HOME: job.workDir, SOURCE_DATE_EPOCH: String(SOURCE_DATE_EPOCH), TZ: "UTC" },
  });
  const produced = (await readdir(job.outputDir)).filter((f) => f.endsWith(".rpm"));
  const only = produced[0];
  if (produced.length !== 1 || only === undefined) {
    throw new GroveError(
      "CORPUS_NO_RPM_PRODUCED",
      `rpmbuild ${specPath}: expected one package in ${job.outputDir}, found ${produced.length}`,
      { subject: specPath },
    );
  }
  return path.join(job.outputDir, only);
}
