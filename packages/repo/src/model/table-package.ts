import type { Dependency, DependencyKind } from "@grove/rpm";
import { DEP_KINDS, DepKindIndex, type PackageTable } from "./package-table.js";
import type { RepoPackage } from "./repo-package.js";

/**
 * A package of a {@link PackageTable} that reads its fields from the table on demand: creating one
 * costs a few words, and dependencies are turned into objects only for the kinds asked for. A solver
 * can wrap all 60,000 packages of a repository without materialising their dependencies.
 * It has the same fields as {@link RepoPackage} (as getters); use `packageAt` for a plain object.
 */
export class TablePackage implements RepoPackage {
  /** Id of the repository holding the package. */
  readonly repoId: string;
  /** Index of the package in the table. */
  readonly index: number;
  /** The table the fields come from. */
  readonly table: PackageTable;
  private deps: LazyDependencies | undefined;

  /**
   * @param table - the repository's table
   * @param repoId - the repository id
   * @param index - package index
   */
  constructor(table: PackageTable, repoId: string, index: number) {
    this.table = table;
    this.repoId = repoId;
    this.index = index;
  }

  /** Package name. */
  get name(): string {
    return this.table.name(this.index);
  }
  /** Architecture. */
  get arch(): string {
    return this.table.arch(this.index);
  }
  /** Epoch (0 when none). */
  get epoch(): number {
    return this.table.epoch(this.index);
  }
  /** Version. */
  get version(): string {
    return this.table.version(this.index);
  }
  /** Release. */
  get release(): string {
    return this.table.release(this.index);
  }
  /** rpm's `%{NEVRA}`. */
  get nevra(): string {
    return this.table.nevra(this.index);
  }
  /** The package file's checksum (its value is the pkgid). */
  get checksum(): { type: string; value: string } {
    const c = this.table.columns;
    return { type: this.table.strings.get(c.checksumType[this.index] ?? 0), value: this.table.pkgid(this.index) };
  }
  /** Where the package file is. */
  get location(): { href: string; base?: string } {
    const c = this.table.columns;
    const href = this.table.texts.get(c.href[this.index] ?? 0);
    const base = c.base[this.index] ?? 0;
    return base === 0 ? { href } : { href, base: this.table.strings.get(base) };
  }
  /** Package file size in bytes. */
  get packageSize(): number {
    return this.table.columns.packageSize[this.index] ?? 0;
  }
  /** Installed size in bytes. */
  get installedSize(): number {
    return this.table.columns.installedSize[this.index] ?? 0;
  }
  /** One-line summary. */
  get summary(): string {
    return this.table.texts.get(this.table.columns.summary[this.index] ?? 0);
  }
  /** Source RPM file name. */
  get sourceRpm(): string {
    return this.table.strings.get(this.table.columns.sourceRpm[this.index] ?? 0);
  }
  /** Build time. */
  get buildTime(): number {
    return this.table.columns.buildTime[this.index] ?? 0;
  }
  /** File time. */
  get fileTime(): number {
    return this.table.columns.fileTime[this.index] ?? 0;
  }
  /** Dependencies by kind, each kind turned into objects on first access and kept. */
  get dependencies(): Record<DependencyKind, Dependency[]> {
    this.deps ??= new LazyDependencies(this.table, this.index);
    return this.deps as unknown as Record<DependencyKind, Dependency[]>;
  }
  /** The primary files. */
  get files(): string[] {
    return this.table.primaryFiles(this.index);
  }
}

/** Per-kind dependency lists, each built on first access. */
class LazyDependencies {
  private readonly cache: Array<Dependency[] | undefined> = [];

  constructor(
    private readonly table: PackageTable,
    private readonly index: number,
  ) {}

  private kind(k: number): Dependency[] {
    let list = this.cache[k];
    if (list === undefined) {
      list = this.table.dependencies(this.index, DEP_KINDS[k] as DependencyKind);
      this.cache[k] = list;
    }
    return list;
  }

  get provides(): Dependency[] {
    return this.kind(DepKindIndex.provides);
  }
  get requires(): Dependency[] {
    return this.kind(DepKindIndex.requires);
  }
  get conflicts(): Dependency[] {
    return this.kind(DepKindIndex.conflicts);
  }
  get obsoletes(): Dependency[] {
    return this.kind(DepKindIndex.obsoletes);
  }
  get recommends(): Dependency[] {
    return this.kind(DepKindIndex.recommends);
  }
  get suggests(): Dependency[] {
    return this.kind(DepKindIndex.suggests);
  }
  get supplements(): Dependency[] {
    return this.kind(DepKindIndex.supplements);
  }
  get enhances(): Dependency[] {
    return this.kind(DepKindIndex.enhances);
  }
}
