/**
 * Candidate pruning and ordering, as libsolv's `policy_filter_unwanted` does it for dnf: highest repository
 * priority, best version per name (then lower cost, then installed), packages obsoleted by other candidates
 * dropped, recommended ones preferred, and a few tie-breaking reorderings. Which package a dependency pulls in
 * is decided here, so results match dnf's.
 * @packageDocumentation
 */
import { compareEVR, compareParsedEVR, parseEVR, RpmSense } from "@grove/rpm/version";
import type { Pool } from "./pool.js";
import type { SolverPackage } from "./types.js";

/** What a filter is for (libsolv's POLICY_MODE_*). */
export const PolicyMode = {
  /** Choosing which candidate to install: every pruning step and reordering. */
  choose: 0,
  /** Like choose, without the reordering (used to postpone ambiguous choices). */
  chooseNoReorder: 1,
  /** Best versions only (weak dependencies, best rules): no preference for recommended packages. */
  recommend: 2,
  /** Reordering of supplemented packages only. */
  supplement: 3,
} as const;

/** One of the {@link PolicyMode} values. */
export type PolicyModeValue = (typeof PolicyMode)[keyof typeof PolicyMode];

/** What the policy needs to know about the current state of a solve. */
export interface PolicyContext {
  /** The pool. */
  readonly pool: Pool<SolverPackage>;
  /** Per solvable: 0 undecided, > 0 installed, < 0 not installed. */
  readonly decision: Int32Array;
  /** Recommended by an installed package, or supplementing installed packages. */
  isRecommended(id: number): boolean;
  /** Suggested by an installed package, or enhancing installed packages. */
  isSuggested(id: number): boolean;
}

/**
 * Prune and order candidates in place.
 *
 * @param ctx - solve state
 * @param list - candidate solvables (modified)
 * @param mode - a {@link PolicyMode}
 */
export function filterUnwanted(ctx: PolicyContext, list: number[], mode: PolicyModeValue): void {
  const pool = ctx.pool;
  if (mode === PolicyMode.supplement) {
    dislikeOldVersions(pool, list);
    sortByCommonDep(pool, list);
    preferSuggested(ctx, list);
    return;
  }
  if (list.length > 1) pruneToHighestPriority(pool, list);
  if (list.length > 1) pruneToBestVersion(pool, list);
  if (list.length > 1 && (mode === PolicyMode.choose || mode === PolicyMode.chooseNoReorder)) {
    pruneToRecommended(ctx, list);
    if (list.length > 1 && mode === PolicyMode.choose) {
      dislikeOldVersions(pool, list);
      sortByCommonDep(pool, list);
      moveInstalledToFront(pool, list);
      preferSuggested(ctx, list);
    }
  }
}

/** Keep the candidates from the repositories with the best (lowest) priority; installed ones stay. */
export function pruneToHighestPriority(pool: Pool<SolverPackage>, list: number[]): void {
  let best = Number.POSITIVE_INFINITY;
  for (const id of list) if (!pool.isInstalled(id)) best = Math.min(best, pool.priority(id));
  if (best === Number.POSITIVE_INFINITY) return;
  keep(list, (id) => pool.isInstalled(id) || pool.priority(id) === best);
}

/**
 * Sort by name, keep the best version of each name (ties: installed, then lower repository cost, then pool
 * order), then drop candidates another candidate obsoletes.
 */
export function pruneToBestVersion(pool: Pool<SolverPackage>, list: number[]): void {
  list.sort((a, b) => {
    const na = pool.nameOf(a);
    const nb = pool.nameOf(b);
    if (na !== nb) return na < nb ? -1 : 1;
    const ia = pool.isInstalled(a);
    if (ia !== pool.isInstalled(b)) return ia ? -1 : 1;
    const cost = pool.repoOf(a).cost - pool.repoOf(b).cost;
    if (cost !== 0) return cost;
    return a - b;
  });
  let n = 0;
  let best = list[0] as number;
  for (let i = 1; i < list.length; i++) {
    const id = list[i] as number;
    if (pool.nameOf(id) !== pool.nameOf(best)) {
      list[n++] = best;
      best = id;
      continue;
    }
    if (compareEVR(pool.evrOf(best), pool.evrOf(id)) < 0) best = id;
  }
  list[n++] = best;
  list.length = n;
  if (list.length > 1) pruneObsoleted(pool, list);
}

/** Drop candidates that another candidate (of a different name) obsoletes, unless they obsolete each other. */
function pruneObsoleted(pool: Pool<SolverPackage>, list: number[]): void {
  const obsoletes = (a: number, b: number): boolean => {
    if (pool.nameOf(a) === pool.nameOf(b)) return false;
    return pool.obsoletersOf(b, [a]).length > 0;
  };
  const drop = new Set<number>();
  for (const a of list) {
    for (const b of list) {
      if (a !== b && obsoletes(a, b) && !obsoletes(b, a)) drop.add(b);
    }
  }
  if (drop.size > 0 && drop.size < list.length) keep(list, (id) => !drop.has(id));
}

/** Prefer recommended or supplementing candidates; installed ones always stay. */
function pruneToRecommended(ctx: PolicyContext, list: number[]): void {
  const pool = ctx.pool;
  let installed = 0;
  for (const id of list) if (pool.isInstalled(id)) installed++;
  if (list.length - installed < 2) return;
  const kept: number[] = [];
  let any = false;
  for (const id of list) {
    if (pool.isInstalled(id)) kept.push(id);
    else if (ctx.isRecommended(id)) {
      kept.push(id);
      any = true;
    }
  }
  if (!any) return;
  list.length = 0;
  list.push(...kept);
}

/** Move candidates for which a newer version (or one from a better repository) exists to the back. */
function dislikeOldVersions(pool: Pool<SolverPackage>, list: number[]): void {
  const bad = (id: number): boolean => {
    if (pool.isInstalled(id)) return false;
    const arch = pool.pkg(id).arch;
    const priority = pool.priority(id);
    for (const other of pool.named(pool.nameOf(id))) {
      if (other === id || pool.pkg(other).arch !== arch) continue;
      const otherPriority = pool.priority(other);
      if (otherPriority !== priority) {
        if (priority < otherPriority) continue;
        return true;
      }
      if (compareEVR(pool.evrOf(other), pool.evrOf(id)) > 0) return true;
    }
    return false;
  };
  stableToBack(list, bad);
}

/**
 * Among candidates providing the same capability at different versions (`python3 = 3.9` vs `python3 = 3.11`),
 * prefer the ones providing the higher versions (libsolv's `sort_by_common_dep`).
 */
function sortByCommonDep(pool: Pool<SolverPackage>, list: number[]): void {
  interface Entry {
    index: number;
    name: string;
    evr: string;
    less: boolean;
  }
  const entries: Entry[] = [];
  list.forEach((id, index) => {
    for (const provide of pool.deps(id, "provides")) {
      const sense = provide.flags & RpmSense.SENSEMASK;
      const less = sense === RpmSense.LESS;
      if (sense !== RpmSense.EQUAL && sense !== (RpmSense.EQUAL | RpmSense.LESS) && !less) continue;
      if (provide.evr === "") continue;
      if (sense === RpmSense.EQUAL && provide.evr.length >= 4 && /^[0-9a-f]+$/.test(provide.evr)) continue;
      entries.push({ index, name: provide.name, evr: provide.evr, less });
    }
  });
  if (entries.length < 2) return;
  const cmp = (a: Entry, b: Entry): number => {
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    if (a.evr === b.evr && a.less === b.less) return 0;
    const r = compareMatchRelease(b.evr, a.evr);
    if (r === 0 && (a.less || b.less)) {
      if (!b.less) return 1;
      if (!a.less) return -1;
    }
    return r;
  };
  entries.sort(cmp);
  const badness = new Array<number>(list.length).fill(0);
  let anyBad = false;
  let bad = 0;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Entry;
    const prev = entries[i - 1];
    if (prev !== undefined && prev.name === entry.name) {
      if (prev.index !== entry.index && cmp(prev, entry) === -1) {
        bad++;
        anyBad = true;
      }
    } else bad = 0;
    badness[entry.index] = (badness[entry.index] as number) + bad;
  }
  if (!anyBad) return;
  list.forEach((id, index) => {
    if (pool.isInstalled(id)) badness[index] = 0;
  });
  const order = list.map((id, index) => ({ id, bad: badness[index] as number }));
  // A stable sort by badness (Array.prototype.sort is stable).
  order.sort((a, b) => a.bad - b.bad);
  for (let i = 0; i < order.length; i++) list[i] = (order[i] as { id: number }).id;
}

/** Bring candidates that are installed, or whose name is installed, to the front (stable). */
function moveInstalledToFront(pool: Pool<SolverPackage>, list: number[]): void {
  const installedName = (id: number): boolean =>
    pool.isInstalled(id) || pool.named(pool.nameOf(id)).some((other) => pool.isInstalled(other));
  const front = list.filter(installedName);
  if (front.length === 0 || front.length === list.length) return;
  const back = list.filter((id) => !installedName(id));
  list.length = 0;
  list.push(...front, ...back);
}

/** Move candidates that are neither installed, suggested nor enhancing to the back (stable). */
function preferSuggested(ctx: PolicyContext, list: number[]): void {
  stableToBack(list, (id) => !(ctx.pool.isInstalled(id) || ctx.isSuggested(id)));
}

/** rpm EVR order where a side without release compares on epoch and version only (EVRCMP_MATCH_RELEASE). */
export function compareMatchRelease(a: string, b: string): number {
  const x = parseEVR(a);
  const y = parseEVR(b);
  if (x.release === undefined || y.release === undefined) {
    x.release = undefined;
    y.release = undefined;
  }
  return compareParsedEVR(x, y);
}

function keep(list: number[], predicate: (id: number) => boolean): void {
  let n = 0;
  for (const id of list) if (predicate(id)) list[n++] = id;
  list.length = n;
}

function stableToBack(list: number[], bad: (id: number) => boolean): void {
  const good = list.filter((id) => !bad(id));
  if (good.length === list.length || good.length === 0) return;
  const rest = list.filter((id) => bad(id));
  list.length = 0;
  list.push(...good, ...rest);
}
