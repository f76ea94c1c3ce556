/**
 * The solver's package pool: every installable package gets a small integer id (a "solvable", as in
 * libsolv), installed packages first, then the repositories in order. The pool answers "who provides
 * this dependency" with rpm's range-overlap rules, implicit self-provides and file provides.
 * @packageDocumentation
 */
import { type Dependency, RpmSense, rangesOverlap } from "@grove/rpm";
import { excludeMatcher } from "./excludes.js";
import type { SolverPackage, SolverRepo } from "./types.js";

/** The id the installed packages' repository gets in messages (dnf's name for the rpmdb). */
export const INSTALLED_REPO_ID = "@System";

/** dnf's default repository priority. */
export const DEFAULT_REPO_PRIORITY = 99;
/** dnf's default repository cost. */
export const DEFAULT_REPO_COST = 1000;

const NO_IDS = new Int32Array(0);

/** One repository of the pool. */
export interface PoolRepo<P extends SolverPackage> {
  /** Repository id. */
  readonly id: string;
  /** dnf priority (lower wins). */
  readonly priority: number;
  /** dnf cost (lower wins among equal versions). */
  readonly cost: number;
  /** True for the installed packages. */
  readonly installed: boolean;
  /** The input repository (undefined for the installed set). */
  readonly source: SolverRepo<P> | undefined;
  /** Solvable id of each input package (0 when the package was left out: arch, exclude, source rpm). */
  readonly ids: Int32Array;
}

/** Settings that decide which packages enter the pool. */
export interface PoolOptions {
  /** Machine architecture. */
  readonly arch: string;
  /** Exclude patterns (available packages only). */
  readonly excludes: readonly string[];
}

/**
 * Whether createrepo lists `path` in primary.xml for every package that has it: paths under `/etc/`,
 * paths containing `bin/`, and `/usr/lib/sendmail`. Providers of other paths need the full file lists.
 *
 * @param path - an absolute path
 */
export function isPrimaryPath(path: string): boolean {
  return path.startsWith("/etc/") || path.includes("bin/") || path === "/usr/lib/sendmail";
}

/** The package pool. Solvable ids run from 1 to {@link Pool.count}. */
export class Pool<P extends SolverPackage> {
  /** Number of solvables. */
  readonly count: number;
  /** Package of each solvable (index 0 unused). */
  readonly pkg: P[];
  /** Name of each solvable. */
  readonly name: string[];
  /** `[epoch:]version-release` of each solvable (epoch only when non-zero). */
  readonly evr: string[];
  /** Repository index (into {@link Pool.repos}) of each solvable. */
  readonly repoIndex: Int32Array;
  /** The repositories; the installed set (if any) is first. */
  readonly repos: readonly PoolRepo<P>[];
  /** Solvables by package name, ascending. */
  readonly byName: ReadonlyMap<string, readonly number[]>;
  /** Solvables that have Supplements or Enhances, ascending. */
  readonly weakProviders: readonly number[];
  /** Id of the first solvable that is not installed. */
  readonly firstAvailable: number;

  private readonly providesIndex = new Map<string, number[]>();
  private readonly cache = new Map<string, Int32Array>();
  private fileIndex: Map<string, number[]> | undefined;
  private obsoletesIndex: Map<string, number[]> | undefined;
  private readonly filelistHits = new Map<string, number[]>();
  private readonly asked = new Set<string>();
  /** Non-primary paths looked up whose full file lists were not asked yet. */
  readonly pendingPaths = new Set<string>();

  /**
   * @param repos - the repositories
   * @param installed - the installed packages
   * @param options - arch and excludes
   */
  constructor(repos: readonly SolverRepo<P>[], installed: readonly P[], options: PoolOptions) {
    const pkgs: P[] = [undefined as unknown as P];
    const repoIndex: number[] = [0];
    const poolRepos: PoolRepo<P>[] = [];
    const excluded = excludeMatcher(options.excludes);
    const addRepo = (repo: Omit<PoolRepo<P>, "ids">, packages: readonly P[], filter: boolean): void => {
      const ids = new Int32Array(packages.length);
      const index = poolRepos.length;
      for (let i = 0; i < packages.length; i++) {
        const pkg = packages[i] as P;
        if (filter) {
          if (pkg.arch !== options.arch && pkg.arch !== "noarch") continue;
          if (excluded(pkg)) continue;
        }
        ids[i] = pkgs.length;
        pkgs.push(pkg);
        repoIndex.push(index);
      }
      poolRepos.push({ ...repo, ids });
    };
    if (installed.length > 0) {
      addRepo({ id: INSTALLED_REPO_ID, priority: 0, cost: 0, installed: true, source: undefined }, installed, false);
    }
    this.firstAvailable = pkgs.length;
    for (const repo of repos) {
      addRepo(
        {
          id: repo.id,
          priority: repo.priority ?? DEFAULT_REPO_PRIORITY,
          cost: repo.cost ?? DEFAULT_REPO_COST,
          installed: false,
          source: repo,
        },
        repo.packages,
        true,
      );
    }
    this.count = pkgs.length - 1;
    this.pkg = pkgs;
    this.repos = poolRepos;
    this.repoIndex = Int32Array.from(repoIndex);
    this.name = new Array<string>(pkgs.length);
    this.evr = new Array<string>(pkgs.length);
    this.name[0] = "";
    this.evr[0] = "";
    const byName = new Map<string, number[]>();
    const weak: number[] = [];
    const index = this.providesIndex;
    for (let id = 1; id < pkgs.length; id++) {
      const pkg = pkgs[id] as P;
      this.name[id] = pkg.name;
      this.evr[id] = `${pkg.epoch > 0 ? `${pkg.epoch}:` : ""}${pkg.version}-${pkg.release}`;
      const same = byName.get(pkg.name);
      if (same === undefined) byName.set(pkg.name, [id]);
      else same.push(id);
      const deps = pkg.dependencies;
      if ((deps.supplements?.length ?? 0) > 0 || (deps.enhances?.length ?? 0) > 0) weak.push(id);
      const provides = deps.provides;
      if (provides === undefined) continue;
      for (let k = 0; k < provides.length; k++) {
        const providedName = (provides[k] as Dependency).name;
        const list = index.get(providedName);
        if (list === undefined) index.set(providedName, [id, k]);
        else list.push(id, k);
      }
    }
    this.byName = byName;
    this.weakProviders = weak;
  }

  /** The repository of solvable `id`. */
  repoOf(id: number): PoolRepo<P> {
    return this.repos[this.repoIndex[id] as number] as PoolRepo<P>;
  }

  /** True when solvable `id` is an installed package. */
  isInstalled(id: number): boolean {
    return id < this.firstAvailable;
  }

  /** dnf priority of solvable `id`'s repository (lower wins). */
  priority(id: number): number {
    return this.repoOf(id).priority;
  }

  /** libsolv's `name-[epoch:]version-release.arch` for solvable `id`. */
  nevra(id: number): string {
    const pkg = this.pkg[id] as P;
    return `${pkg.name}-${this.evr[id]}.${pkg.arch}`;
  }

  /** The dependencies of one kind of solvable `id` (empty when none). */
  deps(id: number, kind: keyof SolverPackage["dependencies"]): readonly Dependency[] {
    return (this.pkg[id] as P).dependencies[kind] ?? [];
  }

  /**
   * The solvables providing a simple (not rich) dependency, ascending: explicit Provides whose range overlaps,
   * the implicit `name = evr` self-provide of every package, and for paths the packages containing the file.
   *
   * @param name - capability name
   * @param flags - RPMSENSE flags (only the comparison bits matter)
   * @param evr - the version, `""` when unversioned
   */
  whatProvides(name: string, flags: number, evr: string): Int32Array {
    const sense = flags & RpmSense.SENSEMASK;
    const versioned = sense !== 0 && evr !== "";
    const key = versioned ? `${name}\u0000${sense}\u0000${evr}` : name;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const found: number[] = [];
    const want = { flags: sense, evr };
    const entries = this.providesIndex.get(name);
    if (entries !== undefined) {
      for (let i = 0; i < entries.length; i += 2) {
        const id = entries[i] as number;
        if (!versioned) found.push(id);
        else {
          const provide = ((this.pkg[id] as P).dependencies.provides as readonly Dependency[])[
            entries[i + 1] as number
          ];
          if (provide !== undefined && rangesOverlap(want, provide)) found.push(id);
        }
      }
    }
    const named = this.byName.get(name);
    if (named !== undefined) {
      for (const id of named) {
        if (!versioned || rangesOverlap(want, { flags: RpmSense.EQUAL, evr: this.evr[id] as string })) found.push(id);
      }
    }
    if (name.charCodeAt(0) === 0x2f) for (const id of this.fileProviders(name)) found.push(id);
    const result = sortedUnique(found);
    this.cache.set(key, result);
    return result;
  }

  /** {@link Pool.whatProvides} of a dependency object. */
  whatProvidesDep(dep: Pick<Dependency, "name" | "flags" | "evr">): Int32Array {
    return this.whatProvides(dep.name, dep.flags, dep.evr);
  }

  /**
   * The solvables an Obsoletes entry matches: packages whose **name** is the entry's name and whose EVR is in
   * its range (rpm >= 4.15 and libsolv match obsoletes against names only).
   *
   * @param dep - the Obsoletes entry
   */
  obsoletedBy(dep: Dependency): number[] {
    const named = this.byName.get(dep.name);
    if (named === undefined) return [];
    const sense = dep.flags & RpmSense.SENSEMASK;
    if (sense === 0 || dep.evr === "") return [...named];
    const want = { flags: sense, evr: dep.evr };
    return named.filter((id) => rangesOverlap(want, { flags: RpmSense.EQUAL, evr: this.evr[id] as string }));
  }

  /** Every capability name some package provides (explicitly). */
  provideNames(): IterableIterator<string> {
    return this.providesIndex.keys();
  }

  /** Every available solvable with an Obsoletes entry on package name `name`, ascending. */
  obsoletingName(name: string): readonly number[] {
    if (this.obsoletesIndex === undefined) {
      const index = new Map<string, number[]>();
      for (let id = this.firstAvailable; id <= this.count; id++) {
        for (const obs of this.deps(id, "obsoletes")) {
          const list = index.get(obs.name);
          if (list === undefined) index.set(obs.name, [id]);
          else if (list[list.length - 1] !== id) list.push(id);
        }
      }
      this.obsoletesIndex = index;
    }
    return this.obsoletesIndex.get(name) ?? [];
  }

  /** Which of `among` obsolete solvable `id` (an Obsoletes entry naming its name, with its EVR in range). */
  obsoletersOf(id: number, among: Iterable<number>): number[] {
    const out: number[] = [];
    const name = this.name[id] as string;
    for (const other of among) {
      if (other === id) continue;
      for (const obs of this.deps(other, "obsoletes")) {
        if (obs.name !== name) continue;
        const sense = obs.flags & RpmSense.SENSEMASK;
        if (
          sense === 0 ||
          obs.evr === "" ||
          rangesOverlap(obs, { flags: RpmSense.EQUAL, evr: this.evr[id] as string })
        ) {
          out.push(other);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Record the full file lists' answer for some paths.
   *
   * @param repoIndex - index into {@link Pool.repos}
   * @param hits - per path, package indices in that repository
   */
  addFilelistHits(repoIndex: number, hits: ReadonlyMap<string, readonly number[]>): void {
    const repo = this.repos[repoIndex] as PoolRepo<P>;
    for (const [path, indices] of hits) {
      let list = this.filelistHits.get(path);
      if (list === undefined) this.filelistHits.set(path, (list = []));
      for (const index of indices) {
        const id = repo.ids[index] ?? 0;
        if (id !== 0) list.push(id);
      }
    }
  }

  /** Mark the pending paths as asked and forget cached answers that depended on them. */
  settlePendingPaths(): string[] {
    const paths = [...this.pendingPaths];
    for (const path of paths) this.asked.add(path);
    this.pendingPaths.clear();
    this.cache.clear();
    return paths;
  }

  private fileProviders(path: string): readonly number[] {
    if (this.fileIndex === undefined) this.fileIndex = this.buildFileIndex();
    const primary = this.fileIndex.get(path) ?? [];
    if (isPrimaryPath(path)) return primary;
    if (!this.asked.has(path)) {
      if (this.repos.some((repo) => repo.source?.findFileProviders !== undefined)) this.pendingPaths.add(path);
      return primary;
    }
    const full = this.filelistHits.get(path);
    return full === undefined ? primary : [...primary, ...full];
  }

  private buildFileIndex(): Map<string, number[]> {
    const index = new Map<string, number[]>();
    for (let id = 1; id <= this.count; id++) {
      const files = (this.pkg[id] as P).files;
      if (files === undefined) continue;
      for (const file of files) {
        const list = index.get(file);
        if (list === undefined) index.set(file, [id]);
        else if (list[list.length - 1] !== id) list.push(id);
      }
    }
    return index;
  }
}

/** Sort ids ascending and drop duplicates. */
export function sortedUnique(ids: number[]): Int32Array {
  if (ids.length === 0) return NO_IDS;
  const out = Int32Array.from(ids).sort();
  let n = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i] as number;
  return n === out.length ? out : out.slice(0, n);
}
