import { StringPool, type StringTable } from "./string-table.js";
import { Int32Vector, Uint8Vector } from "./vectors.js";

/** The raw columns of a {@link FileLists}. */
export interface FileListColumns {
  /** Files of package `i` are entries `fileStart[i]` to `fileStart[i + 1] - 1`. Length `count + 1`. */
  fileStart: Uint32Array;
  /** Directory part of each path, with its trailing `/` (string id). */
  dir: Int32Array;
  /** Last component of each path (string id). */
  base: Int32Array;
  /** File kind per entry (`FileKind`). */
  kind: Uint8Array;
}

/**
 * The complete file lists of one repository (from filelists.xml), per package index of the
 * repository's primary table. Paths are stored as interned (directory, basename) pairs.
 */
export class FileLists {
  /** Number of packages (equals the primary table's count). */
  readonly count: number;
  /** The string table the columns point into. */
  readonly strings: StringTable;
  /** The raw columns. */
  readonly columns: FileListColumns;

  /**
   * @param strings - string table
   * @param columns - the columns
   */
  constructor(strings: StringTable, columns: FileListColumns) {
    this.strings = strings;
    this.columns = columns;
    this.count = columns.fileStart.length - 1;
  }

  /** Total number of file entries. */
  get fileCount(): number {
    return this.columns.dir.length;
  }

  /**
   * All files of package `i`.
   *
   * @param i - package index in the repository's primary table
   */
  files(i: number): string[] {
    const c = this.columns;
    const out: string[] = [];
    for (let f = c.fileStart[i] ?? 0, end = c.fileStart[i + 1] ?? 0; f < end; f++) {
      out.push(this.strings.get(c.dir[f] ?? 0) + this.strings.get(c.base[f] ?? 0));
    }
    return out;
  }

  /**
   * Which packages contain each of `paths` (files, directories and ghosts all count, as for rpm).
   * One pass over all entries answers the whole batch.
   *
   * @param paths - absolute paths
   * @returns for every path, the indices of the packages listing it (ascending; empty when none)
   */
  findProviders(paths: Iterable<string>): Map<string, number[]> {
    const result = new Map<string, number[]>();
    const wanted = new Map<number, Array<{ dir: number; hits: number[] }>>();
    for (const path of paths) {
      const hits: number[] = [];
      result.set(path, hits);
      const [dirText, baseText] = splitPath(path);
      const dir = this.strings.lookup(dirText);
      const base = this.strings.lookup(baseText);
      if (dir === undefined || base === undefined) continue;
      const list = wanted.get(base) ?? [];
      list.push({ dir, hits });
      wanted.set(base, list);
    }
    if (wanted.size === 0) return result;
    const c = this.columns;
    for (let i = 0; i < this.count; i++) {
      for (let f = c.fileStart[i] ?? 0, end = c.fileStart[i + 1] ?? 0; f < end; f++) {
        const list = wanted.get(c.base[f] ?? 0);
        if (list === undefined) continue;
        for (const want of list) {
          if (want.dir === c.dir[f] && want.hits[want.hits.length - 1] !== i) want.hits.push(i);
        }
      }
    }
    return result;
  }
}

/**
 * Split a path into its directory (with trailing `/`) and last component.
 *
 * @param path - a file path
 */
export function splitPath(path: string): [dir: string, base: string] {
  const slash = path.lastIndexOf("/");
  return [path.slice(0, slash + 1), path.slice(slash + 1)];
}

/**
 * Collects file lists in any package order and produces a {@link FileLists} grouped by package.
 */
export class FileListsBuilder {
  /** The strings being interned. */
  private readonly strings = new StringPool();
  private readonly owner = new Int32Vector(1 << 14);
  private readonly dir = new Int32Vector(1 << 16);
  private readonly base = new Int32Vector(1 << 16);
  private readonly kind = new Uint8Vector(1 << 16);

  /** @param count - number of packages in the primary table */
  constructor(private readonly count: number) {}

  /**
   * Add one file of package `index`.
   *
   * @param index - package index in the primary table
   * @param path - the file path
   * @param kind - a FileKind value
   */
  addFile(index: number, path: string, kind: number): void {
    const [dirText, baseText] = splitPath(path);
    this.owner.push(index);
    this.dir.push(this.strings.intern(dirText));
    this.base.push(this.strings.intern(baseText));
    this.kind.push(kind);
  }

  /** The finished file lists, grouped by package (a stable counting sort). */
  finish(): FileLists {
    const n = this.dir.length;
    const owner = this.owner.toArray();
    const fileStart = new Uint32Array(this.count + 1);
    for (let e = 0; e < n; e++) {
      const slot = (owner[e] as number) + 1;
      fileStart[slot] = (fileStart[slot] as number) + 1;
    }
    for (let i = 0; i < this.count; i++) fileStart[i + 1] = (fileStart[i + 1] as number) + (fileStart[i] as number);
    const next = fileStart.slice(0, this.count);
    const dir = this.dir.toArray();
    const base = this.base.toArray();
    const kind = this.kind.toArray();
    const outDir = new Int32Array(n);
    const outBase = new Int32Array(n);
    const outKind = new Uint8Array(n);
    for (let e = 0; e < n; e++) {
      const pkg = owner[e] as number;
      const at = next[pkg] as number;
      next[pkg] = at + 1;
      outDir[at] = dir[e] as number;
      outBase[at] = base[e] as number;
      outKind[at] = kind[e] as number;
    }
    return new FileLists(this.strings.finish(), { fileStart, dir: outDir, base: outBase, kind: outKind });
  }
}
