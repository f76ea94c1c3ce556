/**
 * Feeding a loaded {@link Repository} to the solver without materialising its packages: the packages are the
 * repository's lazy `TablePackage`s, and the look-ups are compressed indexes built once per package table
 * straight from its columns (interned string ids), so a 60,000-package repository costs milliseconds.
 * @packageDocumentation
 */
import { DepKindIndex, type PackageTable } from "../model/package-table.js";
import type { TablePackage } from "../model/table-package.js";
import type { Repository } from "../repository.js";
import type { SolverRepo, SolverRepoIndex } from "./types.js";

const EMPTY = new Int32Array(0);

/** Package indices grouped by string id (compressed sparse rows). */
class IdMultimap {
  /**
   * @param start - `start[k]..start[k + 1]` is the range of string id `k` in `owners`
   * @param owners - package indices
   */
  constructor(
    private readonly start: Int32Array,
    private readonly owners: Int32Array,
  ) {}

  /**
   * Group the entries of a column by string id: package `i` owns entries `ranges[i * stride + offset]` to
   * `ranges[i * stride + offset + 1] - 1` of `keys` (with `ranges` undefined, entry `i` alone).
   *
   * @param size - number of string ids
   * @param count - number of packages
   * @param keys - string id per entry
   * @param ranges - entry ranges per package, or undefined
   * @param stride - range slots per package
   * @param offset - which range slot
   */
  static build(
    size: number,
    count: number,
    keys: Int32Array,
    ranges: Uint32Array | undefined,
    stride = 1,
    offset = 0,
  ): IdMultimap {
    const start = new Int32Array(size + 2);
    for (let i = 0; i < count; i++) {
      const from = ranges === undefined ? i : (ranges[i * stride + offset] as number);
      const to = ranges === undefined ? i + 1 : (ranges[i * stride + offset + 1] as number);
      for (let e = from; e < to; e++) {
        const slot = (keys[e] as number) + 2;
        start[slot] = (start[slot] as number) + 1;
      }
    }
    for (let k = 2; k < start.length; k++) start[k] = (start[k] as number) + (start[k - 1] as number);
    const owners = new Int32Array(start[start.length - 1] as number);
    for (let i = 0; i < count; i++) {
      const from = ranges === undefined ? i : (ranges[i * stride + offset] as number);
      const to = ranges === undefined ? i + 1 : (ranges[i * stride + offset + 1] as number);
      for (let e = from; e < to; e++) {
        const slot = (keys[e] as number) + 1;
        const at = start[slot] as number;
        start[slot] = at + 1;
        owners[at] = i;
      }
    }
    return new IdMultimap(start, owners);
  }

  /** Owners of string id `key` (`undefined`: not in the table). */
  get(key: number | undefined): Int32Array {
    if (key === undefined || key < 0 || key + 1 >= this.start.length) return EMPTY;
    return this.owners.subarray(this.start[key] as number, this.start[key + 1] as number);
  }
}

/** {@link SolverRepoIndex} over a {@link PackageTable}'s columns. */
class TableIndex implements SolverRepoIndex {
  private namesMap: IdMultimap | undefined;
  private providesMap: IdMultimap | undefined;
  private obsoletesMap: IdMultimap | undefined;
  private filesMap: IdMultimap | undefined;
  private weak: Int32Array | undefined;

  constructor(private readonly table: PackageTable) {}

  named(name: string): ArrayLike<number> {
    const c = this.table.columns;
    this.namesMap ??= IdMultimap.build(this.table.strings.size, this.table.count, c.name, undefined);
    return this.namesMap.get(this.table.strings.lookup(name));
  }

  providers(name: string): ArrayLike<number> {
    this.providesMap ??= this.depMap(DepKindIndex.provides);
    return this.providesMap.get(this.table.strings.lookup(name));
  }

  obsoleters(name: string): ArrayLike<number> {
    this.obsoletesMap ??= this.depMap(DepKindIndex.obsoletes);
    return this.obsoletesMap.get(this.table.strings.lookup(name));
  }

  fileOwners(path: string): ArrayLike<number> {
    const c = this.table.columns;
    this.filesMap ??= IdMultimap.build(this.table.strings.size, this.table.count, c.filePath, c.fileStart);
    return this.filesMap.get(this.table.strings.lookup(path));
  }

  weakPackages(): ArrayLike<number> {
    if (this.weak === undefined) {
      const c = this.table.columns;
      const out: number[] = [];
      for (let i = 0; i < this.table.count; i++) {
        const from = c.depStart[i * 8 + DepKindIndex.supplements] as number;
        const to = c.depStart[i * 8 + DepKindIndex.enhances + 1] as number;
        if (to > from) out.push(i);
      }
      this.weak = Int32Array.from(out);
    }
    return this.weak;
  }

  private depMap(kind: number): IdMultimap {
    const c = this.table.columns;
    return IdMultimap.build(this.table.strings.size, this.table.count, c.depName, c.depStart, 8, kind);
  }
}

const indexes = new WeakMap<PackageTable, TableIndex>();

/**
 * The solver's view of a loaded repository: its priority and cost, its packages (hidden ones stay hidden),
 * fast look-ups over its package table, and its full file lists on demand.
 *
 * @param repo - a repository from `loadRepo`
 */
export function solverRepoFrom(repo: Repository): SolverRepo<TablePackage> {
  let index = indexes.get(repo.packages);
  if (index === undefined) {
    index = new TableIndex(repo.packages);
    indexes.set(repo.packages, index);
  }
  return {
    id: repo.id,
    priority: repo.config.priority,
    cost: repo.config.cost,
    packages: repo.packageList(),
    ...(repo.excluded === undefined ? {} : { excluded: (i: number) => repo.isExcluded(i) }),
    index,
    findFileProviders: (paths) => repo.findFileProviders(paths),
  };
}
