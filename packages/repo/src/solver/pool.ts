/**
 * The solver's package pool: every package gets a small integer id (a "solvable", as in libsolv), installed
 * packages first, then the repositories in order. Nothing is computed for a package until a solve touches
 * it: look-ups go through each repository's {@link SolverRepoIndex}, and a package's installability (machine
 * arch or noarch, not excluded), name and EVR are worked out on first use. The pool answers "who provides
 * this dependency" with rpm's range-overlap rules, implicit self-provides and file provides.
 * @packageDocumentation
 */
import type { Dependency } from "@grove/rpm";
import { isRichDep, RpmSense, rangesOverlap } from "@grove/rpm/version";
import { type ExcludeMatcher, excludeMatcher } from "./excludes.js";
import { HashedRepoIndex } from "./repo-index.js";
import { parseRich, richNames } from "./rich.js";
import type { SolverPackage, SolverRepo, SolverRepoIndex } from "./types.js";

/** The id the installed packages' repository gets in messages (dnf's name for the rpmdb). */
export const INSTALLED_REPO_ID = "@System";

/** dnf's default repository priority. */
export const DEFAULT_REPO_PRIORITY = 99;
/** dnf's default repository cost. */
export const DEFAULT_REPO_COST = 1000;

const NO_IDS = new Int32Array(0);
const NO_DEPS: readonly Dependency[] = [];

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
  /** Solvable id of package 0; package `i` is solvable `base + i`. */
  readonly base: number;
  /** The packages. */
  readonly packages: readonly P[];
  /** Look-ups over the packages. */
  readonly index: SolverRepoIndex;
}

/** Settings that decide which packages are installable. */
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

/** The package pool. Solvable ids run from 1 to {@link Pool.count}; only installable ones are ever returned. */
export class Pool<P extends SolverPackage> {
  /** Number of solvables (installable or not). */
  readonly count: number;
  /** The repositories; the installed set (if any) is first. */
  readonly repos: readonly PoolRepo<P>[];
  /** Id of the first solvable that is not installed. */
  readonly firstAvailable: number;
  /** Non-primary paths looked up whose full file lists were not asked yet. */
  readonly pendingPaths = new Set<string>();

  private readonly arch: string;
  private readonly excluded: ExcludeMatcher;
  private readonly repoOfId: Uint16Array;
  private readonly status: Int8Array;
  private readonly names: (string | undefined)[];
  private readonly evrs: (string | undefined)[];
  private readonly namedCache = new Map<string, readonly number[]>();
  private readonly cache = new Map<string, Int32Array>();
  private readonly obsoletingCache = new Map<string, readonly number[]>();
  private weak: number[] | undefined;
  private readonly supplementersCache = new Map<string, readonly number[]>();
  private readonly filelistHits = new Map<string, number[]>();
  private readonly asked = new Set<string>();

  /**
   * @param repos - the repositories
   * @param installed - the installed packages
   * @param options - arch and excludes
   */
  constructor(repos: readonly SolverRepo<P>[], installed: readonly P[], options: PoolOptions) {
    this.arch = options.arch;
    this.excluded = excludeMatcher(options.excludes);
    const poolRepos: PoolRepo<P>[] = [];
    let next = 1;
    if (installed.length > 0) {
      // libsolv reads the rpmdb sorted by name; the order decides ties, so do the same.
      installed = [...installed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      poolRepos.push({
        id: INSTALLED_REPO_ID,
        // dnf gives the installed packages' repository the default priority and cost.
        priority: DEFAULT_REPO_PRIORITY,
        cost: DEFAULT_REPO_COST,
        installed: true,
        source: undefined,
        base: next,
        packages: installed,
        index: new HashedRepoIndex(installed),
      });
      next += installed.length;
    }
    this.firstAvailable = next;
    for (const repo of repos) {
      poolRepos.push({
        id: repo.id,
        priority: repo.priority ?? DEFAULT_REPO_PRIORITY,
        cost: repo.cost ?? DEFAULT_REPO_COST,
        installed: false,
        source: repo,
        base: next,
        packages: repo.packages,
        index: repo.index ?? new HashedRepoIndex(repo.packages),
      });
      next += repo.packages.length;
    }
    this.count = next - 1;
    this.repos = poolRepos;
    this.repoOfId = new Uint16Array(next);
    poolRepos.forEach((repo, i) => {
      this.repoOfId.fill(i, repo.base, repo.base + repo.packages.length);
    });
    this.status = new Int8Array(next);
    this.names = new Array(next);
    this.evrs = new Array(next);
  }

  /** The package of solvable `id`. */
  pkg(id: number): P {
    const repo = this.repoOf(id);
    return repo.packages[id - repo.base] as P;
  }

  /** The repository of solvable `id`. */
  repoOf(id: number): PoolRepo<P> {
    return this.repos[this.repoOfId[id] as number] as PoolRepo<P>;
  }

  /** True when solvable `id` is an installed package. */
  isInstalled(id: number): boolean {
    return id < this.firstAvailable;
  }

  /** True when solvable `id` may be installed: installed already, or of the machine arch or noarch and not excluded. */
  installable(id: number): boolean {
    const known = this.status[id] as number;
    if (known !== 0) return known > 0;
    let ok = true;
    if (!this.isInstalled(id)) {
      const repo = this.repoOf(id);
      const pkg = repo.packages[id - repo.base] as P;
      ok =
        (pkg.arch === this.arch || pkg.arch === "noarch") &&
        !(repo.source?.excluded?.(id - repo.base) ?? false) &&
        !this.excluded(pkg);
    }
    this.status[id] = ok ? 1 : -1;
    return ok;
  }

  /** dnf priority of solvable `id`'s repository (lower wins). */
  priority(id: number): number {
    return this.repoOf(id).priority;
  }

  /** Name of solvable `id`. */
  nameOf(id: number): string {
    let name = this.names[id];
    if (name === undefined) this.names[id] = name = this.pkg(id).name;
    return name;
  }

  /** `[epoch:]version-release` of solvable `id` (epoch only when non-zero). */
  evrOf(id: number): string {
    let evr = this.evrs[id];
    if (evr === undefined) {
      const pkg = this.pkg(id);
      evr = `${pkg.epoch > 0 ? `${pkg.epoch}:` : ""}${pkg.version}-${pkg.release}`;
      this.evrs[id] = evr;
    }
    return evr;
  }

  /** libsolv's `name-[epoch:]version-release.arch` for solvable `id`. */
  nevra(id: number): string {
    return `${this.nameOf(id)}-${this.evrOf(id)}.${this.pkg(id).arch}`;
  }

  /** The dependencies of one kind of solvable `id` (empty when none). */
  deps(id: number, kind: keyof SolverPackage["dependencies"]): readonly Dependency[] {
    return this.pkg(id).dependencies[kind] ?? NO_DEPS;
  }

  /** Installable solvables called `name`, ascending. */
  named(name: string): readonly number[] {
    let ids = this.namedCache.get(name);
    if (ids === undefined) {
      ids = this.collect((repo) => repo.index.named(name));
      this.namedCache.set(name, ids);
    }
    return ids;
  }

  /** Every package name of installable solvables (a full scan: for glob specs only). */
  allNames(): Set<string> {
    const names = new Set<string>();
    for (let id = 1; id <= this.count; id++) if (this.installable(id)) names.add(this.nameOf(id));
    return names;
  }

  /** Every capability name installable solvables provide explicitly (a full scan: for glob specs only). */
  provideNames(): Set<string> {
    const names = new Set<string>();
    for (let id = 1; id <= this.count; id++) {
      if (!this.installable(id)) continue;
      for (const provide of this.deps(id, "provides")) names.add(provide.name);
    }
    return names;
  }

  /**
   * Installable solvables whose Supplements mention capability `name` (in a simple or rich dependency).
   * The per-repository tables behind this are built once per package list and kept across solves.
   */
  supplementers(name: string): readonly number[] {
    let ids = this.supplementersCache.get(name);
    if (ids === undefined) {
      ids = this.collect((repo) => supplementTable(repo.packages, repo.index).get(name) ?? NO_IDS);
      this.supplementersCache.set(name, ids);
    }
    return ids;
  }

  /** Installable solvables with Supplements or Enhances, ascending. */
  weakProviders(): readonly number[] {
    this.weak ??= this.collect((repo) => repo.index.weakPackages());
    return this.weak;
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
    for (const id of this.collect((repo) => repo.index.providers(name))) {
      if (!versioned) {
        found.push(id);
        continue;
      }
      for (const provide of this.deps(id, "provides")) {
        if (provide.name === name && rangesOverlap(want, provide)) {
          found.push(id);
          break;
        }
      }
    }
    for (const id of this.named(name)) {
      if (!versioned || rangesOverlap(want, { flags: RpmSense.EQUAL, evr: this.evrOf(id) })) found.push(id);
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
    const named = this.named(dep.name);
    const sense = dep.flags & RpmSense.SENSEMASK;
    if (sense === 0 || dep.evr === "") return [...named];
    const want = { flags: sense, evr: dep.evr };
    return named.filter((id) => rangesOverlap(want, { flags: RpmSense.EQUAL, evr: this.evrOf(id) }));
  }

  /** Every installable available solvable with an Obsoletes entry on package name `name`, ascending. */
  obsoletingName(name: string): readonly number[] {
    let ids = this.obsoletingCache.get(name);
    if (ids === undefined) {
      ids = this.collect((repo) => (repo.installed ? NO_IDS : repo.index.obsoleters(name)));
      this.obsoletingCache.set(name, ids);
    }
    return ids;
  }

  /** Which of `among` obsolete solvable `id` (an Obsoletes entry naming its name, with its EVR in range). */
  obsoletersOf(id: number, among: Iterable<number>): number[] {
    const out: number[] = [];
    const name = this.nameOf(id);
    for (const other of among) {
      if (other === id) continue;
      for (const obs of this.deps(other, "obsoletes")) {
        if (obs.name !== name) continue;
        const sense = obs.flags & RpmSense.SENSEMASK;
        if (sense === 0 || obs.evr === "" || rangesOverlap(obs, { flags: RpmSense.EQUAL, evr: this.evrOf(id) })) {
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
      const list = this.filelistHits.get(path) ?? [];
      this.filelistHits.set(path, list);
      for (const index of indices) if (index >= 0 && index < repo.packages.length) list.push(repo.base + index);
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

  private fileProviders(path: string): number[] {
    const owners = this.collect((repo) => repo.index.fileOwners(path));
    if (isPrimaryPath(path)) return owners;
    if (!this.asked.has(path)) {
      if (this.repos.some((repo) => repo.source?.findFileProviders !== undefined)) this.pendingPaths.add(path);
      return owners;
    }
    const full = this.filelistHits.get(path);
    return full === undefined ? owners : [...owners, ...full.filter((id) => this.installable(id))];
  }

  /** Map per-repository package indices to installable solvable ids, ascending and unique. */
  private collect(lookup: (repo: PoolRepo<P>) => ArrayLike<number>): number[] {
    const out: number[] = [];
    for (const repo of this.repos) {
      const indices = lookup(repo);
      for (let i = 0; i < indices.length; i++) {
        const id = repo.base + (indices[i] as number);
        if (this.installable(id)) out.push(id);
      }
    }
    if (out.length < 2) return out;
    out.sort((a, b) => a - b);
    let n = 1;
    for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i] as number;
    out.length = n;
    return out;
  }
}

const supplementTables = new WeakMap<readonly SolverPackage[], Map<string, number[]>>();

/** Per capability name, the packages of a list whose Supplements mention it (cached per list). */
function supplementTable(packages: readonly SolverPackage[], index: SolverRepoIndex): Map<string, number[]> {
  let table = supplementTables.get(packages);
  if (table === undefined) {
    table = new Map<string, number[]>();
    const weak = index.weakPackages();
    for (let w = 0; w < weak.length; w++) {
      const i = weak[w] as number;
      const pkg = packages[i] as SolverPackage;
      for (const dep of pkg.dependencies.supplements ?? NO_DEPS) {
        const names = isRichDep(dep.name) ? richNames(parseRich(dep.name, pkg.name)) : [dep.name];
        for (const name of names) {
          const list = table.get(name);
          if (list === undefined) table.set(name, [i]);
          else if (list[list.length - 1] !== i) list.push(i);
        }
      }
    }
    supplementTables.set(packages, table);
  }
  return table;
}

/** Sort ids ascending and drop duplicates. */
export function sortedUnique(ids: number[]): Int32Array {
  if (ids.length === 0) return NO_IDS;
  const out = Int32Array.from(ids).sort();
  let n = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[n - 1]) out[n++] = out[i] as number;
  return n === out.length ? out : out.slice(0, n);
}
