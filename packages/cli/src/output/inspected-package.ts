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
  /** Algorithm of the header digest that matched (`sha256`, `sha1`, ...), `undefined` when the package has none. */
  headerDigest: string | undefined;
  /** Algorithm of the payload digest that matched, `undefined` when the package has none. */
  payloadDigest: string | undefined;
  /** Number of regular files whose content digest matched. */
  fileDigests: number;
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
