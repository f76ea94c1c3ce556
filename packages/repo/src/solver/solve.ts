/**
 * `solve`: specs and repositories in, transaction out (or a {@link SolveError} explaining why not).
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";
import { compareEVR } from "@grove/rpm";
import { computeClosure } from "./closure.js";
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
 * and Supplements installed when `weakDeps` is on. The search is complete (CDCL over the rules of every
 * package the request can reach): when a solution exists it is found.
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
    upgradeMatches = upgradeSpecs.map((spec) => resolveSpec(pool, spec));
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

  const updateMap = updateMapFor(pool, input.upgrade === true, upgradeMatches);
  const updateCandidates = new Map<number, number[]>();
  for (let id = 1; id < pool.firstAvailable; id++) updateCandidates.set(id, findUpdates(pool, id));

  const selectors = matches.flatMap((match) => (match as SpecMatch).selectors.map((ids) => ({ match, ids })));
  const roots = new Set<number>();
  for (const { ids } of selectors) for (const id of ids) roots.add(id);
  for (let id = 1; id < pool.firstAvailable; id++) {
    roots.add(id);
    if (updateMap?.[id] === 1) for (const candidate of updateCandidates.get(id) ?? []) roots.add(candidate);
  }

  let rich: RichDeps<P>;
  let closure: ReturnType<typeof computeClosure>;
  do {
    rich = new RichDeps(pool);
    closure = computeClosure(pool, rich, roots, weakDeps);
  } while (await loadPendingFilelists(pool));

  const packageRules = buildPackageRules(pool, rich, closure);
  const updateRules: Rule[] = [];
  for (let id = 1; id < pool.firstAvailable; id++) {
    const others = new Set<number>();
    for (const other of pool.named(pool.nameOf(id))) {
      if (other !== id && !pool.isInstalled(other) && closure.member[other] === 1) others.add(other);
    }
    for (const other of pool.obsoletersOf(id, pool.obsoletingName(pool.nameOf(id)))) {
      if (closure.member[other] === 1) others.add(other);
    }
    updateRules.push(new Rule(Int32Array.from([id, ...[...others].sort((a, b) => a - b)]), RuleKind.update, { source: id }));
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
  if (best && updateMap !== undefined) {
    for (let id = 1; id < pool.firstAvailable; id++) {
      if (updateMap[id] !== 1) continue;
      const candidates = (updateCandidates.get(id) ?? []).filter((c) => closure.member[c] === 1);
      if (candidates.length === 0) continue;
      filterUnwanted(policy, candidates, PolicyMode.recommend);
      bestRules.push(
        new Rule(Int32Array.from(candidates.sort((a, b) => a - b)), RuleKind.bestUpdate, { source: id }),
      );
    }
  }

  const run = new Run({
    pool,
    rich,
    closure,
    packageRules,
    updateRules,
    jobRules,
    bestRules,
    updateMap,
    updateCandidates,
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

/** The installed packages to upgrade: all of them, or those whose names the upgrade specs matched. */
function updateMapFor<P extends SolverPackage>(
  pool: Pool<P>,
  all: boolean,
  matches: readonly (SpecMatch | undefined)[],
): Uint8Array | undefined {
  if (pool.firstAvailable === 1) return undefined;
  if (!all && matches.length === 0) return undefined;
  const map = new Uint8Array(pool.count + 1);
  if (all) {
    map.fill(1, 1, pool.firstAvailable);
    return map;
  }
  const names = new Set<string>();
  for (const match of matches) for (const ids of match?.selectors ?? []) for (const id of ids) names.add(pool.nameOf(id));
  for (let id = 1; id < pool.firstAvailable; id++) if (names.has(pool.nameOf(id))) map[id] = 1;
  return map;
}

/** Newer versions of installed package `id` (same name, same arch or noarch) and packages obsoleting it. */
function findUpdates<P extends SolverPackage>(pool: Pool<P>, id: number): number[] {
  const out = new Set<number>();
  const arch = pool.pkg(id).arch;
  for (const other of pool.named(pool.nameOf(id))) {
    if (pool.isInstalled(other)) continue;
    const otherArch = pool.pkg(other).arch;
    if (otherArch !== arch && otherArch !== "noarch" && arch !== "noarch") continue;
    if (compareEVR(pool.evrOf(other), pool.evrOf(id)) > 0) out.add(other);
  }
  for (const other of pool.obsoletersOf(id, pool.obsoletingName(pool.nameOf(id)))) out.add(other);
  return [...out].sort((a, b) => a - b);
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
