import type { DependencyKind, RpmPackage } from "@grove/rpm";

/** The dependency kinds in the order grove prints them. */
export const DEPENDENCY_KINDS: readonly DependencyKind[] = [
  "requires",
  "provides",
  "conflicts",
  "obsoletes",
  "recommends",
  "suggests",
  "supplements",
  "enhances",
];

/** What was checked while reading a package with verification on. */
export interface PackageVerification {
  /** Header digests that matched, strongest first (`sha3-256`, `sha256`, `sha1`); empty when the package has none. */
  headerDigests: string[];
  /**
   * Payload digests that matched: `sha256` (compressed payload, PAYLOADDIGEST), `uncompressed sha256`
   * (PAYLOADDIGESTALT), `header+payload md5` (legacy SIGMD5); empty when the package has none.
   */
  payloadDigests: string[];
  /** Number of files whose content digest matched. */
  fileDigests: number;
  /** Algorithm of the file digests. */
  fileDigestAlgorithm: string;
}

/** Everything `grove inspect` prints about one package, gathered from `@grove/rpm`. */
export interface InspectedPackage {
  /** The path given on the command line. */
  file: string;
  /** The package as read. */
  pkg: RpmPackage;
  /** Dependencies rendered like rpm prints them (`bash >= 5.1-2`), by kind. */
  dependencies: Record<DependencyKind, string[]>;
  /** The payload compressor actually found (`gzip`, `xz`, `zstd`, ... or `none`). */
  payloadCompressor: string;
  /** Payload size in the file, in bytes. */
  compressedBytes: number;
  /** Uncompressed payload (cpio archive) size, in bytes. */
  payloadBytes: number;
  /** Number of entries in the payload archive. */
  fileCount: number;
  /** What was verified; `undefined` when verification was turned off. */
  verification: PackageVerification | undefined;
}
