import type { Dependency, DependencyKind } from "@grove/rpm";
import type { StringTable } from "./string-table.js";

/** The dependency kinds in the order a {@link PackageTable} stores them. */
export const DEP_KINDS: readonly DependencyKind[] = [
  "provides",
  "requires",
  "conflicts",
  "obsoletes",
  "recommends",
  "suggests",
  "supplements",
  "enhances",
];

/** Number of dependency kinds ({@link DEP_KINDS}`.length`). */
export const DEP_KIND_COUNT = 8;

/** The index of each dependency kind in {@link DEP_KINDS}. */
export const DepKindIndex: Readonly<Record<DependencyKind, number>> = {
  provides: 0,
  requires: 1,
  conflicts: 2,
  obsoletes: 3,
  recommends: 4,
  suggests: 5,
  supplements: 6,
  enhances: 7,
};

/** The kind of a file entry in primary/filelists metadata. */
export const FileKind = {
  /** A regular file (or symlink; metadata does not distinguish). */
  file: 0,
  /** `type="dir"`. */
  dir: 1,
  /** `type="ghost"`. */
  ghost: 2,
} as const;

/** The raw columns of a {@link PackageTable}: one entry per package unless said otherwise. */
export interface PackageColumns {
  /** Name (string id). */
  name: Int32Array;
  /** Architecture (string id). */
  arch: Int32Array;
  /** Epoch as a number (0 when absent). */
  epoch: Int32Array;
  /** Version (string id). */
  version: Int32Array;
  /** Release (string id). */
  release: Int32Array;
  /** Checksum type, e.g. `sha256` (string id). */
  checksumType: Int32Array;
  /** Checksum hex value = pkgid (id in {@link PackageTable.texts}). */
  checksum: Int32Array;
  /** `location href` (id in {@link PackageTable.texts}). */
  href: Int32Array;
  /** `location xml:base` (string id; 0 when absent). */
  base: Int32Array;
  /** Summary (id in {@link PackageTable.texts}). */
  summary: Int32Array;
  /** Source RPM file name (string id). */
  sourceRpm: Int32Array;
  /** Package file size in bytes. */
  packageSize: Float64Array;
  /** Installed size in bytes. */
  installedSize: Float64Array;
  /** Build time (seconds since the epoch). */
  buildTime: Float64Array;
  /** File time (seconds since the epoch). */
  fileTime: Float64Array;
  /**
   * Dependency ranges: the dependencies of kind `k` (index in {@link DEP_KINDS}) of package `i` are
   * entries `depStart[i * 8 + k]` to `depStart[i * 8 + k + 1] - 1`. Length `count * 8 + 1`.
   */
  depStart: Uint32Array;
  /** Dependency name per entry (string id). */
  depName: Int32Array;
  /** Dependency RPMSENSE flags per entry. */
  depFlags: Int32Array;
  /** Dependency `[epoch:]version[-release]` per entry (string id; 0 when unversioned). */
  depEvr: Int32Array;
  /** Primary file ranges: files of package `i` are entries `fileStart[i]` to `fileStart[i + 1] - 1`. */
  fileStart: Uint32Array;
  /** Primary file path per entry (string id). */
  filePath: Int32Array;
  /** Primary file kind per entry ({@link FileKind}). */
  fileKind: Uint8Array;
}

/**
 * The packages of one repository's primary metadata, stored column-wise with interned strings so
 * that 60,000 packages take tens of megabytes and load from the cache in milliseconds.
 * Package `i` runs from 0 to `count - 1`. Use {@link PackageTable.dependencies} or the columns
 * directly: names, architectures, versions, dependency names and EVRs and primary file paths are
 * ids in {@link PackageTable.strings}, where equal strings have equal ids (a dependency on `/bin/sh`
 * and a primary file `/bin/sh` share one id), so a solver can index `columns.depName` by id.
 * Checksums, locations and summaries are ids in {@link PackageTable.texts} (not interned).
 */
export class PackageTable {
  /** Number of packages. */
  readonly count: number;
  /** Interned strings: names, architectures, versions, dependency names and EVRs, file paths. */
  readonly strings: StringTable;
  /** Strings kept as they come (not interned): checksums, location hrefs, summaries. */
  readonly texts: StringTable;
  /** The raw columns. */
  readonly columns: PackageColumns;

  /**
   * @param strings - interned strings
   * @param texts - non-interned strings
   * @param columns - the columns (all sized for the same package count)
   */
  constructor(strings: StringTable, texts: StringTable, columns: PackageColumns) {
    this.strings = strings;
    this.texts = texts;
    this.columns = columns;
    this.count = columns.name.length;
  }

  /** Package name. */
  name(i: number): string {
    return this.strings.get(this.columns.name[i] ?? 0);
  }

  /** Package architecture. */
  arch(i: number): string {
    return this.strings.get(this.columns.arch[i] ?? 0);
  }

  /** Package epoch (0 when none). */
  epoch(i: number): number {
    return this.columns.epoch[i] ?? 0;
  }

  /** Package version. */
  version(i: number): string {
    return this.strings.get(this.columns.version[i] ?? 0);
  }

  /** Package release. */
  release(i: number): string {
    return this.strings.get(this.columns.release[i] ?? 0);
  }

  /** rpm's `%{NEVRA}`: `name-[epoch:]version-release.arch`, the epoch only when non-zero. */
  nevra(i: number): string {
    const epoch = this.epoch(i);
    return `${this.name(i)}-${epoch !== 0 ? `${epoch}:` : ""}${this.version(i)}-${this.release(i)}.${this.arch(i)}`;
  }

  /** The package checksum (its pkgid) as hex. */
  pkgid(i: number): string {
    return this.texts.get(this.columns.checksum[i] ?? 0);
  }

  /**
   * The dependencies of package `i` of one kind, as `{name, flags, evr}` objects.
   *
   * @param i - package index
   * @param kind - dependency kind
   */
  dependencies(i: number, kind: DependencyKind): Dependency[] {
    const c = this.columns;
    const k = i * 8 + DepKindIndex[kind];
    const start = c.depStart[k] ?? 0;
    const end = c.depStart[k + 1] ?? start;
    const out = new Array<Dependency>(end - start);
    for (let d = start; d < end; d++) {
      out[d - start] = {
        name: this.strings.get(c.depName[d] ?? 0),
        flags: c.depFlags[d] ?? 0,
        evr: this.strings.get(c.depEvr[d] ?? 0),
      };
    }
    return out;
  }

  /**
   * The files primary metadata lists for package `i` (a subset of its files: `/etc`, `*bin/`, ...).
   *
   * @param i - package index
   */
  primaryFiles(i: number): string[] {
    const c = this.columns;
    const out: string[] = [];
    for (let f = c.fileStart[i] ?? 0, end = c.fileStart[i + 1] ?? 0; f < end; f++) {
      out.push(this.strings.get(c.filePath[f] ?? 0));
    }
    return out;
  }
}
