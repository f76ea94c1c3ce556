/**
 * The work behind `grove inspect`: reads a package with `@grove/rpm` (loaded only by this command).
 * @packageDocumentation
 */
import { type DependencyKind, FileFlag, formatDependency, type ReadRpmResult, readRpmFile } from "@grove/rpm";
import { DEPENDENCY_KINDS, type InspectedPackage, type PackageVerification } from "../output/inspected-package.js";

/** Signature-header tags holding header digests, strongest first (rpm's RPMSIGTAG_SHA3_256/SHA256/SHA1). */
const HEADER_DIGEST_TAGS: readonly [number, string][] = [
  [279, "sha3-256"],
  [273, "sha256"],
  [269, "sha1"],
];

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;

/** Reads (and unless `verify` is false, verifies) a package with `@grove/rpm` and gathers what `grove inspect` prints. */
export async function inspectPackage(file: string, verify: boolean): Promise<InspectedPackage> {
  const result = await readRpmFile(file, { verify });
  const dependencies = Object.fromEntries(
    DEPENDENCY_KINDS.map((kind) => [kind, result.pkg.dependencies[kind].map((dep) => formatDependency(dep))]),
  ) as Record<DependencyKind, string[]>;
  return {
    file,
    pkg: result.pkg,
    dependencies,
    payloadCompressor: result.payloadCompressor,
    compressedBytes: result.compressedBytes,
    payloadBytes: result.payloadBytes,
    fileCount: result.fileCount,
    verification: verify ? describeVerification(result) : undefined,
  };
}

/**
 * What `readRpmFile` checked when it succeeded with `verify` on: every header digest the signature header
 * carries, every payload digest the headers declare, and the content digest of every regular file in the
 * payload (`%ghost` files are not in the payload).
 */
export function describeVerification(result: ReadRpmResult): PackageVerification {
  const { headers, pkg } = result;
  const headerDigests = HEADER_DIGEST_TAGS.filter(([tag]) => headers.signature.getString(tag) !== undefined).map(
    ([, name]) => name,
  );
  const payloadDigests: string[] = [];
  if (headers.payloadDigest?.compressed !== undefined) payloadDigests.push(headers.payloadDigest.algorithm);
  if (headers.payloadDigest?.uncompressed !== undefined) {
    payloadDigests.push(`uncompressed ${headers.payloadDigest.algorithm}`);
  }
  if (headers.legacyMd5 !== undefined) payloadDigests.push("header+payload md5");
  const fileDigests = pkg.files.filter(
    (f) => (f.mode & S_IFMT) === S_IFREG && f.digest !== "" && (f.flags & FileFlag.ghost) === 0,
  ).length;
  return { headerDigests, payloadDigests, fileDigests, fileDigestAlgorithm: pkg.fileDigestAlgorithm };
}
