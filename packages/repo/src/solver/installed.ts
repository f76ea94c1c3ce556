/**
 * What the solver does with installed packages, after libsolv: each one gets an update rule ("stay, or be
 * replaced by an update") and a list of feature candidates (any replacement, downgrades included) used when
 * its update rule had to be dropped; upgrade requests mark packages for update with the packages they may
 * update to ("targets"); install requests that replace an installed package switch its update rule off.
 * @packageDocumentation
 */
import { compareEVR, isRichDep } from "@grove/rpm/version";
import type { Pool } from "./pool.js";
import { Rule, RuleKind } from "./rule.js";
import type { SolverPackage } from "./types.js";

/** The solver's view of one installed package. */
export interface InstalledEntry {
  /** Its solvable id. */
  readonly id: number;
  /** `installed | updates...` (for a package no repository has: just `installed`, so it stays). */
  readonly update: Rule;
  /** Every possible replacement (downgrades too), used when the update rule is switched off. */
  readonly featureCandidates: readonly number[];
}

/**
 * The packages that may replace installed package `id` (libsolv's `policy_findupdatepackages`): other versions
 * of the same name (newer or equal ones only, unless downgrades are allowed), packages that provide its name and
 * obsolete it, or failing those every package that obsoletes it. Architecture changes are allowed to and from
 * noarch only.
 *
 * @param pool - the pool
 * @param id - an installed solvable
 * @param allowAll - allow downgrades and any architecture change (feature candidates)
 * @param allowDowngrade - allow downgrades (dnf allows them when the request installs something)
 */
export function findUpdaters<P extends SolverPackage>(
  pool: Pool<P>,
  id: number,
  allowAll: boolean,
  allowDowngrade: boolean,
): number[] {
  const out: number[] = [];
  const name = pool.nameOf(id);
  const arch = pool.pkg(id).arch;
  let provideObsoletes = false;
  for (const other of pool.whatProvides(name, 0, "")) {
    if (other === id) continue;
    if (pool.nameOf(other) === name) {
      if (!allowAll && !allowDowngrade && compareEVR(pool.evrOf(id), pool.evrOf(other)) > 0) continue;
    } else if (pool.obsoletersOf(id, [other]).length > 0) provideObsoletes = true;
    else continue;
    if (!allowAll && illegalArchChange(arch, pool.pkg(other).arch)) continue;
    out.push(other);
  }
  if (provideObsoletes) return out;
  for (const other of pool.obsoletersOf(id, pool.obsoletingName(name))) {
    if (!allowAll && illegalArchChange(arch, pool.pkg(other).arch)) continue;
    if (!out.includes(other)) out.push(other);
  }
  return out;
}

function illegalArchChange(from: string, to: string): boolean {
  return from !== to && from !== "noarch" && to !== "noarch";
}

/**
 * The installed packages that installing `id` would replace: those of the same name, and those its Obsoletes
 * match (libsolv's `solver_add_obsoleted`).
 *
 * @param pool - the pool
 * @param id - an available solvable
 */
export function replacedBy<P extends SolverPackage>(pool: Pool<P>, id: number): number[] {
  const out = new Set<number>();
  for (const other of pool.named(pool.nameOf(id))) if (pool.isInstalled(other)) out.add(other);
  for (const obs of pool.deps(id, "obsoletes")) {
    for (const other of pool.obsoletedBy(obs)) if (pool.isInstalled(other)) out.add(other);
  }
  return [...out].sort((a, b) => a - b);
}

/** What an upgrade request covers (libsolv's targeted update: `update oneof ...`). */
export interface UpgradeScope {
  /** Installed packages to update. */
  readonly updateMap: Uint8Array;
  /** Installed packages that must end up in their best version (dnf best=True). */
  readonly bestMap: Uint8Array;
  /** Per installed package, what it may update to. */
  readonly targets: ReadonlyMap<number, ReadonlySet<number>>;
}

/**
 * Work out an upgrade request's scope from its selection (installed and available packages), as dnf's
 * `_upgrade_internal` and libsolv's `add_update_target` do.
 *
 * @param pool - the pool
 * @param selection - the packages the request selects (available ones, installed ones of those names)
 */
export function upgradeScope<P extends SolverPackage>(pool: Pool<P>, selection: Iterable<number>): UpgradeScope {
  const updateMap = new Uint8Array(pool.count + 1);
  const bestMap = new Uint8Array(pool.count + 1);
  const targets = new Map<number, Set<number>>();
  const target = (installed: number, to: number): void => {
    updateMap[installed] = 1;
    const set = targets.get(installed);
    if (set === undefined) targets.set(installed, new Set([to]));
    else set.add(to);
  };
  for (const id of selection) {
    if (pool.isInstalled(id)) {
      target(id, id);
      for (const other of pool.named(pool.nameOf(id))) if (other !== id && pool.isInstalled(other)) target(other, id);
      continue;
    }
    for (const installed of replacedBy(pool, id)) {
      bestMap[installed] = 1;
      target(installed, id);
    }
  }
  return { updateMap, bestMap, targets };
}

/**
 * The selection of an upgrade request (dnf's `_upgrade_internal`): the matched packages of installed names, the
 * available packages obsoleting those installed or their upgrades, and the installed packages of those names.
 *
 * @param pool - the pool
 * @param matched - what the spec matched (everything for a plain `upgrade`)
 * @param withObsoletes - add obsoleting packages (dnf's `obsoletes=True`; for plain names)
 */
export function upgradeSelection<P extends SolverPackage>(
  pool: Pool<P>,
  matched: Iterable<number>,
  withObsoletes: boolean,
): number[] {
  const installedNames = new Set<string>();
  for (let id = 1; id < pool.firstAvailable; id++) installedNames.add(pool.nameOf(id));
  const selection = new Set<number>(matched);
  const relevant = [...selection].filter((id) => installedNames.has(pool.nameOf(id)));
  if (withObsoletes) {
    const bases = relevant.filter((id) => pool.isInstalled(id));
    for (const id of relevant) {
      if (pool.isInstalled(id)) continue;
      const newer = pool
        .named(pool.nameOf(id))
        .some((i) => pool.isInstalled(i) && compareEVR(pool.evrOf(id), pool.evrOf(i)) > 0);
      if (newer) bases.push(id);
    }
    for (const base of bases) {
      for (const obsoleter of pool.obsoletersOf(base, pool.obsoletingName(pool.nameOf(base)))) selection.add(obsoleter);
    }
  }
  for (const id of [...selection]) {
    for (const other of pool.named(pool.nameOf(id))) if (pool.isInstalled(other)) selection.add(other);
  }
  return [...selection].sort((a, b) => a - b);
}

/**
 * The update rule of installed package `id`: itself or one of its updates.
 *
 * @param id - the installed solvable
 * @param updaters - from {@link findUpdaters}
 */
export function updateRule(id: number, updaters: readonly number[]): Rule {
  return new Rule(Int32Array.from([id, ...updaters]), RuleKind.update, { source: id });
}

/**
 * dnf's `exclude_from_weak_autodetect` (on by default): packages that must not be pulled in as weak
 * dependencies because the installed system shows they were left out on purpose — providers of an installed
 * package's Recommends of which none is installed, and packages supplementing an installed package that are not
 * installed themselves (rich dependencies are not looked at).
 *
 * @param pool - the pool
 */
export function excludedFromWeak<P extends SolverPackage>(pool: Pool<P>): Set<number> {
  const out = new Set<number>();
  if (pool.firstAvailable === 1) return out;
  const installedNames = new Set<string>();
  for (let id = 1; id < pool.firstAvailable; id++) {
    installedNames.add(pool.nameOf(id));
    for (const rec of pool.deps(id, "recommends")) {
      if (isRichDep(rec.name)) continue;
      const providers = rec.evr !== "" ? pool.whatProvides(rec.name, 0, "") : pool.whatProvidesDep(rec);
      if (providers.length === 0 || providers.some((p) => pool.isInstalled(p))) continue;
      for (const p of providers) out.add(p);
    }
  }
  for (const id of pool.weakProviders()) {
    if (pool.isInstalled(id) || installedNames.has(pool.nameOf(id))) continue;
    const supplements = pool.deps(id, "supplements").filter((dep) => !isRichDep(dep.name));
    if (supplements.some((dep) => pool.whatProvidesDep(dep).some((p) => pool.isInstalled(p)))) out.add(id);
  }
  return out;
}
