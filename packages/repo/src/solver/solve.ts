/**
 * `solve`: specs and repositories in, transaction out (or a {@link SolveError} explaining why not).
 * @packageDocumentation
 */
import { GroveError } from "@grove/core/store";
import { buildChoiceRules } from "./choice-rules.js";
import { computeClosure } from "./closure.js";
import {
  excludedFromWeak,
  findUpdaters,
  type InstalledEntry,
  type UpgradeScope,
  updateRule,
  upgradeScope,
  upgradeSelection,
} from "./installed.js";
import { buildPackageRules } from "./package-rules.js";
import { filterUnwanted, type PolicyContext, PolicyMode } from "./policy.js";
import { Pool } from "./pool.js";
import { describeProblems, SolveError, SolveErrorCode } from "./problems.js";
import { RichDeps } from "./rich.js";
import { Rule, RuleKind } from "./rule.js";
import { DecisionReason, Run } from "./run.js";
import { resolveSpec, type SpecMatch } from "./spec.js";
import { buildTransaction } from "./transaction.js";
import type { InstallReason, SolveInput, SolverPackage, Transaction } from "./types.js";

/** The machine architecture assumed when none is given. */
export const DEFAULT_SOLVE_ARCH = "x86_64";

/**
 * Work out what to install (and upgrade) so that every request is met and every dependency of every package
 * in the result is fulfilled, choosing packages as dnf does.
 *
 * Semantics follow rpm and dnf/libsolv: Provides with rpm's range overlap and implicit `name = E:V-R`
 * self-provides; file dependencies (primary files, then the repositories' full file lists on demand); rich
 * dependencies; Conflicts; Obsoletes matched against package names; one package per name; only the machine
 * arch and noarch; candidates ranked by repository priority, then version, then repository cost; Recommends
 * and Supplements installed when `weakDeps` is on. Installed packages stay unless replaced by an update, and
 * an upgrade takes the best versions of the installed names. The search is complete (CDCL over the rules of
 * every package the request can reach): when a solution exists it is found.
 *
 * @param input - repositories, installed packages, the request and options
 * @returns the transaction
 * @throws GroveError `SOLVE_NO_MATCH` when a spec matches no package; {@link SolveError}
 *   (`SOLVE_UNSATISFIABLE`) with dnf-style problems when no solution exists
 */
export async function solve<P extends SolverPackage>(input: SolveInput<P>): Promise<Transaction<P>> {
  const weakDeps = input.weakDeps ?? true;
  const best = input.best ?? true;
  const pool = new Pool<P>(input.repos, input.installed ?? [], {
    arch: input.arch ?? DEFAULT_SOLVE_ARCH,
    excludes: input.excludes ?? [],
  });
  const specs = input.install ?? [];
  const upgradeSpecs = input.upgrade === true || input.upgrade === undefined ? [] : input.upgrade;

  let matches: (SpecMatch | undefined)[];
  let upgradeMatches: (SpecMatch | undefined)[];
  do {
    matches = specs.map((spec) => resolveSpec(pool, spec));
    upgradeMatches = upgradeSpecs.map((spec) => resolveSpec(pool, spec, false));
  } while (await loadPendingFilelists(pool));
  const unmatched = [
    ...specs.filter((_, i) => matches[i] === undefined),
    ...upgradeSpecs.filter((_, i) => upgradeMatches[i] === undefined),
  ];
  if (unmatched.length > 0) {
    throw new GroveError(SolveErrorCode.noMatch, `no package matches ${unmatched.map((s) => `"${s}"`).join(", ")}`, {
      subject: unmatched.join(" "),
      hint: "check the spelling, the enabled repositories and the architecture",
    });
  }

  const scope = upgradeScopeFor(pool, input.upgrade === true, upgradeMatches);
  // dnf allows downgrades whenever the request installs something.
  const allowDowngrade = specs.length > 0;
  const selectors = matches.flatMap((match) => (match as SpecMatch).selectors.map((ids) => ({ match, ids })));
  const roots = new Set<number>();
  for (const { ids } of selectors) for (const id of ids) roots.add(id);
  const featureCandidates = new Map<number, number[]>();
  for (let id = 1; id < pool.firstAvailable; id++) {
    const candidates = findUpdaters(pool, id, true, true);
    featureCandidates.set(id, candidates);
    roots.add(id);
    for (const candidate of candidates) roots.add(candidate);
  }

  let rich: RichDeps<P>;
  let closure: ReturnType<typeof computeClosure>;
  do {
    rich = new RichDeps(pool);
    closure = computeClosure(pool, rich, roots, weakDeps);
  } while (await loadPendingFilelists(pool));

  const packageRules = buildPackageRules(pool, rich, closure);
  const installed: InstalledEntry[] = [];
  for (let id = 1; id < pool.firstAvailable; id++) {
    const feature = featureCandidates.get(id) ?? [];
    // A package no repository has (an orphan) is kept: its rule is just itself.
    const updaters = feature.length === 0 ? [] : findUpdaters(pool, id, false, allowDowngrade);
    installed.push({ id, update: updateRule(id, updaters), featureCandidates: feature });
  }

  const policy: PolicyContext = {
    pool: pool as unknown as Pool<SolverPackage>,
    decision: new Int32Array(pool.count + 1),
    isRecommended: () => false,
    isSuggested: () => false,
  };
  const jobRules: Rule[] = [];
  const bestRules: Rule[] = [];
  const requested = new Set<number>();
  selectors.forEach(({ match, ids }, job) => {
    const sorted = [...ids].sort((a, b) => a - b);
    for (const id of sorted) requested.add(id);
    jobRules.push(new Rule(Int32Array.from(sorted), RuleKind.job, { job, dep: (match as SpecMatch).spec }));
    if (!best) return;
    const bestIds = [...sorted];
    filterUnwanted(policy, bestIds, PolicyMode.recommend);
    if (bestIds.length < sorted.length) {
      bestRules.push(new Rule(Int32Array.from(bestIds.sort((a, b) => a - b)), RuleKind.best, { job }));
    }
  });
  if (best && scope !== undefined) bestRules.push(...bestUpdateRules(policy, installed, scope));

  const choiceRules = buildChoiceRules({ pool, packageRules, installed, scope, allowDowngrade, policy });

  const run = new Run({
    pool,
    rich,
    closure,
    packageRules,
    installed,
    jobRules,
    choiceRules,
    bestRules,
    scope,
    excludedFromWeak: excludedFromWeak(pool),
    weakDeps,
    trace: input.trace,
  });
  if (!run.solve()) throw new SolveError(describeProblems(pool, run.problems), [...specs, ...upgradeSpecs]);

  const reasons = new Map<number, InstallReason>();
  for (const [id, code] of run.decisionReasons()) {
    if (requested.has(id)) reasons.set(id, "request");
    else reasons.set(id, code === DecisionReason.weak ? "weak" : "dependency");
  }
  return buildTransaction(pool, (id) => (run.decision[id] as number) > 0, reasons);
}

/** The scope of the upgrade request: everything installed, or what the upgrade specs matched. */
function upgradeScopeFor<P extends SolverPackage>(
  pool: Pool<P>,
  all: boolean,
  matches: readonly (SpecMatch | undefined)[],
): UpgradeScope | undefined {
  if (pool.firstAvailable === 1 || (!all && matches.length === 0)) return undefined;
  const selection = new Set<number>();
  if (all) {
    const everything: number[] = [];
    for (let id = 1; id <= pool.count; id++) if (pool.installable(id)) everything.push(id);
    for (const id of upgradeSelection(pool, everything, true)) selection.add(id);
  } else {
    for (const match of matches) {
      const ids = (match as SpecMatch).selectors.flat();
      const justName = ids.every((id) => pool.nameOf(id) === (match as SpecMatch).spec);
      for (const id of upgradeSelection(pool, ids, justName)) selection.add(id);
    }
  }
  return upgradeScope(pool, selection);
}

/**
 * dnf best=True for upgrades (libsolv's best update rules): each installed package covered must end up as one
 * of the best of its update candidates (itself included, when nothing is better).
 */
function bestUpdateRules(policy: PolicyContext, installed: readonly InstalledEntry[], scope: UpgradeScope): Rule[] {
  const rules: Rule[] = [];
  for (const entry of installed) {
    if (scope.bestMap[entry.id] !== 1) continue;
    const targets = scope.targets.get(entry.id);
    const inTargets = (id: number): boolean => targets === undefined || targets.has(id);
    const fromUpdate = Array.from(entry.update.lits).filter(inTargets);
    filterUnwanted(policy, fromUpdate, PolicyMode.recommend);
    const fromFeature = [entry.id, ...entry.featureCandidates].filter(inTargets);
    filterUnwanted(policy, fromFeature, PolicyMode.recommend);
    const lits = [...fromUpdate];
    for (const id of fromFeature) if (!lits.includes(id)) lits.push(id);
    if (lits.length === 0) continue;
    rules.push(new Rule(Int32Array.from(lits), RuleKind.bestUpdate, { source: entry.id }));
  }
  return rules;
}

/** Ask the repositories' full file lists about the paths looked up so far; false when there were none. */
async function loadPendingFilelists<P extends SolverPackage>(pool: Pool<P>): Promise<boolean> {
  if (pool.pendingPaths.size === 0) return false;
  const paths = pool.settlePendingPaths();
  for (let i = 0; i < pool.repos.length; i++) {
    const find = pool.repos[i]?.source?.findFileProviders;
    if (find === undefined) continue;
    pool.addFilelistHits(i, await find(paths));
  }
  return true;
}
