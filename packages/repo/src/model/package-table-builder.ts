import { DEP_KIND_COUNT, PackageTable } from "./package-table.js";
import { StringPool, TextList } from "./string-table.js";
import { Float64Vector, Int32Vector, Uint8Vector, Uint32Vector } from "./vectors.js";

/** The scalar fields of one package record, as string ids and numbers. */
export interface PackageFields {
  /** Name (string id). */
  name: number;
  /** Architecture (string id). */
  arch: number;
  /** Epoch. */
  epoch: number;
  /** Version (string id). */
  version: number;
  /** Release (string id). */
  release: number;
  /** Checksum type (string id). */
  checksumType: number;
  /** Checksum value (text id). */
  checksum: number;
  /** Location href (text id). */
  href: number;
  /** Location xml:base (string id, 0 = none). */
  base: number;
  /** Summary (text id). */
  summary: number;
  /** Source RPM (string id). */
  sourceRpm: number;
  /** Package size. */
  packageSize: number;
  /** Installed size. */
  installedSize: number;
  /** Build time. */
  buildTime: number;
  /** File time. */
  fileTime: number;
}

/**
 * Builds a {@link PackageTable} one package at a time: add the package's dependencies (any kind,
 * any order) and files, then call {@link PackageTableBuilder.endPackage} with its fields.
 */
export class PackageTableBuilder {
  /** Interned strings (names, versions, dependency names, EVRs, files). */
  readonly strings = new StringPool();
  /** Non-interned strings (checksums, hrefs, summaries). */
  readonly texts = new TextList();
  private readonly name = new Int32Vector();
  private readonly arch = new Int32Vector();
  private readonly epoch = new Int32Vector();
  private readonly version = new Int32Vector();
  private readonly release = new Int32Vector();
  private readonly checksumType = new Int32Vector();
  private readonly checksum = new Int32Vector();
  private readonly href = new Int32Vector();
  private readonly base = new Int32Vector();
  private readonly summary = new Int32Vector();
  private readonly sourceRpm = new Int32Vector();
  private readonly packageSize = new Float64Vector();
  private readonly installedSize = new Float64Vector();
  private readonly buildTime = new Float64Vector();
  private readonly fileTime = new Float64Vector();
  private readonly depStart = new Uint32Vector();
  private readonly depName = new Int32Vector(1 << 16);
  private readonly depFlags = new Int32Vector(1 << 16);
  private readonly depEvr = new Int32Vector(1 << 16);
  private readonly fileStart = new Uint32Vector();
  private readonly filePath = new Int32Vector(1 << 14);
  private readonly fileKind = new Uint8Vector(1 << 14);
  private readonly pending: number[][] = Array.from({ length: DEP_KIND_COUNT }, () => []);
  private lastFileEnd = 0;

  /** Number of packages ended so far. */
  get count(): number {
    return this.name.length;
  }

  /**
   * Add a dependency to the current package.
   *
   * @param kind - index into DEP_KINDS
   * @param name - dependency name (string id)
   * @param flags - RPMSENSE flags
   * @param evr - version text (string id)
   */
  addDependency(kind: number, name: number, flags: number, evr: number): void {
    const list = this.pending[kind] as number[];
    list.push(name, flags, evr);
  }

  /**
   * Add a primary file to the current package.
   *
   * @param path - file path (string id)
   * @param kind - a FileKind value
   */
  addFile(path: number, kind: number): void {
    this.filePath.push(path);
    this.fileKind.push(kind);
  }

  /** Drop the dependencies and files added since the last package ended (for a skipped record). */
  discardPackage(): void {
    for (const list of this.pending) list.length = 0;
    this.filePath.length = this.lastFileEnd;
    this.fileKind.length = this.lastFileEnd;
  }

  /**
   * Finish the current package with its fields.
   *
   * @param fields - scalar fields of the package
   */
  endPackage(fields: PackageFields): void {
    this.name.push(fields.name);
    this.arch.push(fields.arch);
    this.epoch.push(fields.epoch);
    this.version.push(fields.version);
    this.release.push(fields.release);
    this.checksumType.push(fields.checksumType);
    this.checksum.push(fields.checksum);
    this.href.push(fields.href);
    this.base.push(fields.base);
    this.summary.push(fields.summary);
    this.sourceRpm.push(fields.sourceRpm);
    this.packageSize.push(fields.packageSize);
    this.installedSize.push(fields.installedSize);
    this.buildTime.push(fields.buildTime);
    this.fileTime.push(fields.fileTime);
    for (const list of this.pending) {
      this.depStart.push(this.depName.length);
      for (let j = 0; j < list.length; j += 3) {
        this.depName.push(list[j] as number);
        this.depFlags.push(list[j + 1] as number);
        this.depEvr.push(list[j + 2] as number);
      }
      list.length = 0;
    }
    this.fileStart.push(this.lastFileEnd);
    this.lastFileEnd = this.filePath.length;
  }

  /** The finished table. The builder must not be used afterwards. */
  finish(): PackageTable {
    this.depStart.push(this.depName.length);
    this.fileStart.push(this.filePath.length);
    return new PackageTable(this.strings.finish(), this.texts.finish(), {
      name: this.name.toArray(),
      arch: this.arch.toArray(),
      epoch: this.epoch.toArray(),
      version: this.version.toArray(),
      release: this.release.toArray(),
      checksumType: this.checksumType.toArray(),
      checksum: this.checksum.toArray(),
      href: this.href.toArray(),
      base: this.base.toArray(),
      summary: this.summary.toArray(),
      sourceRpm: this.sourceRpm.toArray(),
      packageSize: this.packageSize.toArray(),
      installedSize: this.installedSize.toArray(),
      buildTime: this.buildTime.toArray(),
      fileTime: this.fileTime.toArray(),
      depStart: this.depStart.toArray(),
      depName: this.depName.toArray(),
      depFlags: this.depFlags.toArray(),
      depEvr: this.depEvr.toArray(),
      fileStart: this.fileStart.toArray(),
      filePath: this.filePath.toArray(),
      fileKind: this.fileKind.toArray(),
    });
  }
}
