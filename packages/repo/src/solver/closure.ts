/**
 * The set of packages a solve can possibly touch: the requested candidates, the installed packages and their
 * replacements, and everything reachable from them through Requires (and, with weak dependencies, Recommends
 * and Supplements). Rules are only made for these packages, so a 60,000-package pool costs little.
 * @packageDocumentation
 */
import { isRichDep } from "@grove/rpm/version";
import type { Pool } from "./pool.js";
import { isPossible, positiveIds, type RichDeps } from "./rich.js";
import type { SolverPackage } from "./types.js";

/** The packages a solve works on. */
export interface Closure {
  /** 1 for members, per solvable id. */
  readonly member: Uint8Array;
  /** The members, ascending. */
  readonly ids: readonly number[];
}

/**
 * Compute the closure.
 *
 * @param pool - the pool
 * @param rich - rich dependency formulas
 * @param roots - where to start (request candidates, installed packages, update candidates)
 * @param weakDeps - follow Recommends, and add packages whose Supplements may trigger
 */
export function computeClosure<P extends SolverPackage>(
  pool: Pool<P>,
  rich: RichDeps<P>,
  roots: Iterable<number>,
  weakDeps: boolean,
): Closure {
  const member = new Uint8Array(pool.count + 1);
  const order: number[] = [];
  const queue: number[] = [...roots];
  const push = (ids: Iterable<number>): void => {
    for (const other of ids) if (member[other] !== 1) queue.push(other);
  };
  const visit = (): void => {
    while (queue.length > 0) {
      const id = queue.pop() as number;
      if (member[id] === 1) continue;
      member[id] = 1;
      order.push(id);
      const source = pool.nevra(id);
      for (const dep of pool.deps(id, "requires")) {
        if (isRichDep(dep.name)) push(positiveIds(rich.formula(dep.name, source)));
        else push(pool.whatProvidesDep(dep));
      }
      for (const dep of pool.deps(id, "conflicts")) {
        if (isRichDep(dep.name)) push(positiveIds(rich.formula(dep.name, source), true));
      }
      if (!weakDeps) continue;
      for (const dep of pool.deps(id, "recommends")) {
        if (isRichDep(dep.name)) push(positiveIds(rich.formula(dep.name, source)));
        else push(pool.whatProvidesDep(dep));
      }
    }
  };
  visit();
  if (weakDeps) addSupplementing(pool, rich, member, order, queue, visit);
  const ids: number[] = [];
  for (let id = 1; id <= pool.count; id++) if (member[id] === 1) ids.push(id);
  return { member, ids };
}

/**
 * Add the packages whose Supplements may trigger (libsolv's `solver_addpkgrulesforweak`), looking only at
 * those that mention a capability some member provides.
 */
function addSupplementing<P extends SolverPackage>(
  pool: Pool<P>,
  rich: RichDeps<P>,
  member: Uint8Array,
  order: number[],
  queue: number[],
  visit: () => void,
): void {
  const possible = (id: number): boolean => member[id] === 1;
  const seenNames = new Set<string>();
  const candidates = new Set<number>();
  let scanned = 0;
  for (;;) {
    for (; scanned < order.length; scanned++) {
      const id = order[scanned] as number;
      const names = [pool.nameOf(id), ...pool.deps(id, "provides").map((provide) => provide.name)];
      for (const name of names) {
        if (seenNames.has(name)) continue;
        seenNames.add(name);
        for (const candidate of pool.supplementers(name)) if (member[candidate] !== 1) candidates.add(candidate);
      }
    }
    let added = false;
    for (const id of candidates) {
      if (member[id] === 1) {
        candidates.delete(id);
        continue;
      }
      const source = pool.nevra(id);
      const triggers = pool
        .deps(id, "supplements")
        .some((dep) =>
          isRichDep(dep.name)
            ? isPossible(rich.formula(dep.name, source), possible)
            : pool.whatProvidesDep(dep).some(possible),
        );
      if (!triggers) continue;
      candidates.delete(id);
      queue.push(id);
      visit();
      added = true;
    }
    if (!added && scanned === order.length) return;
  }
}
