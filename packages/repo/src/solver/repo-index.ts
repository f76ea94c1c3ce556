/**
 * Look-ups the pool needs from a repository, answered without touching every package on every solve.
 * A repository can bring its own ({@link SolverRepoIndex}, e.g. built from a columnar package table); for plain
 * package lists {@link HashedRepoIndex} builds compact hash tables on first use.
 * @packageDocumentation
 */
import type { SolverPackage, SolverRepoIndex } from "./types.js";

const EMPTY: readonly number[] = [];

/** FNV-1a over UTF-16 code units. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A multimap from strings to package indices in compressed form: keys are bucketed by hash into one
 * `Int32Array`, with the key strings kept for comparison. Building it allocates no per-key objects.
 */
export class HashedMultimap {
  private readonly mask: number;
  private readonly start: Int32Array;
  private readonly owners: Int32Array;
  private readonly keys: string[];

  /**
   * @param visit - calls `add(key, owner)` for every entry, owners in ascending order
   */
  constructor(visit: (add: (key: string, owner: number) => void) => void) {
    const keys: string[] = [];
    let owners = new Int32Array(1024);
    let hashes = new Uint32Array(1024);
    let n = 0;
    visit((key, owner) => {
      if (n === owners.length) {
        const grownOwners = new Int32Array(n * 2);
        grownOwners.set(owners);
        owners = grownOwners;
        const grownHashes = new Uint32Array(n * 2);
        grownHashes.set(hashes);
        hashes = grownHashes;
      }
      keys.push(key);
      owners[n] = owner;
      hashes[n] = hash(key);
      n++;
    });
    let buckets = 16;
    while (buckets < n) buckets *= 2;
    this.mask = buckets - 1;
    const start = new Int32Array(buckets + 1);
    for (let i = 0; i < n; i++) {
      const b = ((hashes[i] as number) & this.mask) + 1;
      start[b] = (start[b] as number) + 1;
    }
    for (let b = 0; b < buckets; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
    const next = start.slice(0, buckets);
    const sortedOwners = new Int32Array(n);
    const sortedKeys = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const b = (hashes[i] as number) & this.mask;
      const at = next[b] as number;
      next[b] = at + 1;
      sortedOwners[at] = owners[i] as number;
      sortedKeys[at] = keys[i] as string;
    }
    this.start = start;
    this.owners = sortedOwners;
    this.keys = sortedKeys;
  }

  /** Owners of `key`, ascending, without duplicates. */
  get(key: string): readonly number[] {
    const b = hash(key) & this.mask;
    const end = this.start[b + 1] as number;
    let out: number[] | undefined;
    for (let i = this.start[b] as number; i < end; i++) {
      if (this.keys[i] !== key) continue;
      const owner = this.owners[i] as number;
      if (out === undefined) out = [owner];
      else if (out[out.length - 1] !== owner) out.push(owner);
    }
    return out ?? EMPTY;
  }
}

/** {@link SolverRepoIndex} over a plain package list, each table built on first use. */
export class HashedRepoIndex implements SolverRepoIndex {
  private namesMap: HashedMultimap | undefined;
  private providesMap: HashedMultimap | undefined;
  private filesMap: HashedMultimap | undefined;
  private obsoletesMap: HashedMultimap | undefined;
  private weak: number[] | undefined;

  /** @param packages - the repository's packages */
  constructor(private readonly packages: readonly SolverPackage[]) {}

  /** Packages called `name`. */
  named(name: string): readonly number[] {
    this.namesMap ??= new HashedMultimap((add) => {
      this.packages.forEach((pkg, i) => {
        add(pkg.name, i);
      });
    });
    return this.namesMap.get(name);
  }

  /** Packages with a Provides entry named `name`. */
  providers(name: string): readonly number[] {
    this.providesMap ??= new HashedMultimap((add) => {
      this.packages.forEach((pkg, i) => {
        for (const provide of pkg.dependencies.provides ?? EMPTY_DEPS) add(provide.name, i);
      });
    });
    return this.providesMap.get(name);
  }

  /** Packages listing `path` among their files. */
  fileOwners(path: string): readonly number[] {
    this.filesMap ??= new HashedMultimap((add) => {
      this.packages.forEach((pkg, i) => {
        for (const file of pkg.files ?? EMPTY_FILES) add(file, i);
      });
    });
    return this.filesMap.get(path);
  }

  /** Packages with an Obsoletes entry named `name`. */
  obsoleters(name: string): readonly number[] {
    this.obsoletesMap ??= new HashedMultimap((add) => {
      this.packages.forEach((pkg, i) => {
        for (const obsolete of pkg.dependencies.obsoletes ?? EMPTY_DEPS) add(obsolete.name, i);
      });
    });
    return this.obsoletesMap.get(name);
  }

  /** Packages with Supplements or Enhances. */
  weakPackages(): readonly number[] {
    if (this.weak === undefined) {
      const weak: number[] = [];
      this.packages.forEach((pkg, i) => {
        const deps = pkg.dependencies;
        if ((deps.supplements?.length ?? 0) > 0 || (deps.enhances?.length ?? 0) > 0) weak.push(i);
      });
      this.weak = weak;
    }
    return this.weak;
  }
}

const EMPTY_DEPS: readonly { name: string }[] = [];
const EMPTY_FILES: readonly string[] = [];
