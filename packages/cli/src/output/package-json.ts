import type { DependencyKind, Scriptlet } from "@grove/rpm";
import { fileFlagNames } from "./file-flags.js";
import { DEPENDENCY_KINDS, type InspectedPackage, type PackageVerification } from "./inspected-package.js";

/** One file in `grove inspect --json` output. */
export interface PackageFileJson {
  /** Absolute installed path. */
  path: string;
  /** Full st_mode (type and permission bits). */
  mode: number;
  /** Size in bytes. */
  size: number;
  /** Owner user name. */
  user: string;
  /** Owner group name. */
  group: string;
  /** Hex content digest (regular files), else `""`. */
  digest: string;
  /** Symlink target, else `""`. */
  linkTo: string;
  /** Names of the RPMFILE_* flags, e.g. `["config", "noreplace"]`. */
  flags: string[];
}

/** The object `grove inspect --json` prints. Field names are stable. */
export type PackageJson = {
  /** The file given on the command line. */
  file: string;
  /** `name-[epoch:]version-release.arch`. */
  nevra: string;
  /** Package name. */
  name: string;
  /** Epoch, `null` when the header has none. */
  epoch: number | null;
  /** Version. */
  version: string;
  /** Release. */
  release: string;
  /** Architecture (`src` for source packages). */
  arch: string;
  /** One-line summary. */
  summary: string;
  /** Long description. */
  description: string;
  /** License tag. */
  license: string;
  /** Upstream URL. */
  url: string;
  /** Source RPM this was built from. */
  sourceRpm: string;
  /** Installed size in bytes. */
  size: number;
  /** Build time, ISO 8601 UTC. */
  buildTime: string;
  /** The payload compressor found in the file. */
  payloadCompressor: string;
  /** Payload size in the file. */
  compressedBytes: number;
  /** Uncompressed payload size. */
  payloadBytes: number;
  /** Algorithm of the file digests. */
  fileDigestAlgorithm: string;
  /** Files in header order. */
  files: PackageFileJson[];
  /** Install/erase scriptlets. */
  scripts: Scriptlet[];
  /** What was verified, `null` with `--no-verify`. */
  verified: PackageVerificationJson | null;
} & Record<DependencyKind, string[]>;

/** `verified` in `grove inspect --json`. */
export interface PackageVerificationJson {
  /** Header digests checked, e.g. `["sha256", "sha1"]`; empty when the package carries none. */
  header: string[];
  /** Payload digests checked, e.g. `["sha256", "header+payload md5"]`; empty when the package carries none. */
  payload: string[];
  /** Number of file content digests checked. */
  fileDigests: number;
}

/** Builds the `--json` object for an inspected package. */
export function packageToJson(inspected: InspectedPackage): PackageJson {
  const { pkg } = inspected;
  const dependencies = Object.fromEntries(
    DEPENDENCY_KINDS.map((kind) => [kind, inspected.dependencies[kind]]),
  ) as Record<DependencyKind, string[]>;
  return {
    file: inspected.file,
    nevra: pkg.nevra,
    name: pkg.name,
    epoch: pkg.epoch ?? null,
    version: pkg.version,
    release: pkg.release,
    arch: pkg.arch,
    summary: pkg.summary,
    description: pkg.description,
    license: pkg.license,
    url: pkg.url,
    sourceRpm: pkg.sourceRpm,
    size: pkg.size,
    buildTime: new Date(pkg.buildTime * 1000).toISOString(),
    payloadCompressor: inspected.payloadCompressor,
    compressedBytes: inspected.compressedBytes,
    payloadBytes: inspected.payloadBytes,
    ...dependencies,
    fileDigestAlgorithm: pkg.fileDigestAlgorithm,
    files: pkg.files.map((file) => ({
      path: file.path,
      mode: file.mode,
      size: file.size,
      user: file.user,
      group: file.group,
      digest: file.digest,
      linkTo: file.linkTo,
      flags: fileFlagNames(file.flags),
    })),
    scripts: pkg.scripts,
    verified: verificationToJson(inspected.verification),
  };
}

function verificationToJson(verification: PackageVerification | undefined): PackageVerificationJson | null {
  if (verification === undefined) return null;
  return {
    header: verification.headerDigests,
    payload: verification.payloadDigests,
    fileDigests: verification.fileDigests,
  };
}
