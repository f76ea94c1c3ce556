/**
 * From a solved assignment to the transaction: what is installed, upgraded, downgraded, obsoleted, removed.
 * @packageDocumentation
 */
import { compareEVR } from "@grove/rpm/version";
import type { Pool } from "./pool.js";
import type { InstallReason, Obsoletion, Replacement, SolverPackage, Transaction } from "./types.js";

/**
 * Build the transaction.
 *
 * @param pool - the pool
 * @param installed - per solvable, whether it is installed after the transaction
 * @param reasons - why each new solvable is there
 */
export function buildTransaction<P extends SolverPackage>(
  pool: Pool<P>,
  installed: (id: number) => boolean,
  reasons: ReadonlyMap<number, InstallReason>,
): Transaction<P> {
  const install: number[] = [];
  const upgrade: Replacement<P>[] = [];
  const downgrade: Replacement<P>[] = [];
  const obsoleted: Obsoletion<P>[] = [];
  const remove: P[] = [];
  const result: number[] = [];
  const replaced = new Set<number>();
  for (let id = 1; id <= pool.count; id++) {
    if (!installed(id)) continue;
    result.push(id);
    if (pool.isInstalled(id)) continue;
    const old = pool
      .named(pool.nameOf(id))
      .find((other) => pool.isInstalled(other) && !installed(other) && !replaced.has(other));
    if (old === undefined) {
      install.push(id);
      continue;
    }
    replaced.add(old);
    const change = { from: pool.pkg(old), to: pool.pkg(id) };
    if (compareEVR(pool.evrOf(id), pool.evrOf(old)) >= 0) upgrade.push(change);
    else downgrade.push(change);
  }
  const newIds = result.filter((id) => !pool.isInstalled(id));
  for (let id = 1; id < pool.firstAvailable; id++) {
    if (installed(id) || replaced.has(id)) continue;
    const by = pool.obsoletersOf(id, newIds)[0];
    if (by !== undefined) obsoleted.push({ package: pool.pkg(id), by: pool.pkg(by) });
    else remove.push(pool.pkg(id));
  }
  const byNameVersion = (a: number, b: number): number => {
    const na = pool.nameOf(a);
    const nb = pool.nameOf(b);
    if (na !== nb) return na < nb ? -1 : 1;
    return compareEVR(pool.evrOf(a), pool.evrOf(b));
  };
  install.sort(byNameVersion);
  result.sort(byNameVersion);
  const reasonMap = new Map<P, InstallReason>();
  for (const id of newIds) reasonMap.set(pool.pkg(id), reasons.get(id) ?? "dependency");
  return {
    install: install.map((id) => pool.pkg(id)),
    upgrade,
    downgrade,
    obsoleted,
    remove,
    reasons: reasonMap,
    result: result.map((id) => pool.pkg(id)),
  };
}
