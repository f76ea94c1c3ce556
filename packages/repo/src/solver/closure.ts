/**
 * The set of packages a solve can possibly touch: the requested candidates, the installed packages and their
 * replacements, and everything reachable from them through Requires (and, with weak dependencies, Recommends
 * and Supplements). Rules are only made for these packages, so a 60,000-package pool costs little.
 * @packageDocumentation
 */
import { isRichDep } from "@grove/rpm";
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
  const queue: number[] = [...roots];
  const visit = (): void => {
    while (queue.length > 0) {
      const id = queue.pop() as number;
      if (member[id] === 1) continue;
      member[id] = 1;
      const source = pool.nevra(id);
      const push = (ids: Iterable<number>): void => {
        for (const other of ids) if (member[other] !== 1) queue.push(other);
      };
      for (const dep of pool.deps(id, "requires")) {
        if (isRichDep(dep.name)) push(positiveIds(rich.formula(dep.name, source)));
        else push(pool.whatProvidesDep(dep));
      }
      for (const dep of pool.deps(id, "conflicts")) {
        if (isRichDep(dep.name)) push(positiveIds(rich.formula(dep.name, source), true));
      }
      if (weakDeps) {
        for (const dep of pool.deps(id, "recommends")) {
          if (isRichDep(dep.name)) push(positiveIds(rich.formula(dep.name, source)));
          else push(pool.whatProvidesDep(dep));
        }
      }
    }
  };
  visit();
  if (weakDeps) {
    const possible = (id: number): boolean => member[id] === 1;
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of pool.weakProviders) {
        if (member[id] === 1) continue;
        const source = pool.nevra(id);
        const triggers = pool
          .deps(id, "supplements")
          .some((dep) =>
            isRichDep(dep.name)
              ? isPossible(rich.formula(dep.name, source), possible)
              : pool.whatProvidesDep(dep).some(possible),
          );
        if (!triggers) continue;
        queue.push(id);
        visit();
        changed = true;
      }
    }
  }
  const ids: number[] = [];
  for (let id = 1; id <= pool.count; id++) if (member[id] === 1) ids.push(id);
  return { member, ids };
}
