/**
 * Choice rules (libsolv's `solver_addchoicerules`): when a Requires can be met either by updating an installed
 * package or by installing an unrelated new one, a weak copy of the rule keeps only the update path. Weak rules
 * are dropped, without a problem, when they make the request unsolvable, and dropped after the fact when the
 * solution installed an alternative anyway.
 * @packageDocumentation
 */
import { compareEVR } from "@grove/rpm/version";
import type { InstalledEntry, UpgradeScope } from "./installed.js";
import { filterUnwanted, type PolicyContext, PolicyMode } from "./policy.js";
import type { Pool } from "./pool.js";
import { Rule, RuleKind } from "./rule.js";
import type { SolverPackage } from "./types.js";

/** Everything the choice rules depend on. */
export interface ChoiceRuleInput<P extends SolverPackage> {
  /** The pool. */
  readonly pool: Pool<P>;
  /** Package rules, in rule order. */
  readonly packageRules: readonly Rule[];
  /** The installed packages and their update rules. */
  readonly installed: readonly InstalledEntry[];
  /** The upgrade request's scope, if any. */
  readonly scope: UpgradeScope | undefined;
  /** Whether downgrades are allowed. */
  readonly allowDowngrade: boolean;
  /** A decision-free policy context. */
  readonly policy: PolicyContext;
}

/**
 * Build the choice rules, in rule order.
 *
 * @param input - pool, rules, installed packages and settings
 */
export function buildChoiceRules<P extends SolverPackage>(input: ChoiceRuleInput<P>): Rule[] {
  const { pool, scope, allowDowngrade } = input;
  if (pool.firstAvailable === 1) return [];
  const updateRules = new Map(input.installed.map((entry) => [entry.id, entry.update]));
  const rules: Rule[] = [];
  const checkCache = new Map<number, number[]>();
  let lastKey = "";
  for (const rule of input.packageRules) {
    const lits = rule.lits;
    if (rule.kind !== RuleKind.requires || (lits[0] as number) >= 0) continue;
    const related: Array<[installed: number, candidate: number]> = [];
    let independent = false;
    let fromInstalled = false;
    for (const lit of lits) {
      if (lit < 0) {
        if (pool.isInstalled(-lit) && scope?.updateMap[-lit] !== 1) fromInstalled = true;
        continue;
      }
      if (pool.isInstalled(lit)) {
        related.push([lit, lit]);
        continue;
      }
      const installed = installedReplacedBy(pool, lit);
      if (installed !== 0) {
        if (illegal(pool, installed, lit, allowDowngrade)) continue;
        related.push([installed, lit]);
        continue;
      }
      independent = true;
    }
    if (!independent || related.length === 0) continue;
    const positive = new Set(Array.from(lits).filter((lit) => lit > 0));
    let kept = related;
    if (!fromInstalled) {
      // Downgrades are checked too, as libsolv >= 0.7.25 does (0.7.23 does not; docs/packages/repo.md).
      kept = related.filter(([installed, candidate]) => {
        const downgrade =
          allowDowngrade &&
          pool.nameOf(installed) === pool.nameOf(candidate) &&
          compareEVR(pool.evrOf(installed), pool.evrOf(candidate)) > 0;
        if (!(downgrade || scope?.updateMap[installed] === 1)) return true;
        return !choiceRuleCheck(input, installed, positive, updateRules, checkCache);
      });
    }
    if (kept.length === 0) continue;
    // No choice rule when every installed package's update rule stays within this rule's providers.
    const needed = kept.some(([installed]) => {
      const update = updateRules.get(installed);
      return update !== undefined && Array.from(update.lits).some((lit) => !positive.has(lit));
    });
    if (!needed) continue;
    const negatives = Array.from(lits).filter((lit, i) => lit < 0 && i > 0);
    const rest = [...negatives, ...kept.map(([, candidate]) => candidate)];
    const key = `${lits[0]}:${rest.join(",")}`;
    if (key === lastKey) continue;
    lastKey = key;
    rules.push(
      new Rule(Int32Array.from([lits[0] as number, ...rest]), RuleKind.choice, { source: rule.source, origin: rule }),
    );
  }
  return rules;
}

/** libsolv's `choicerule_find_installed`: an installed package `id` would replace (same name, or obsoleted). */
function installedReplacedBy<P extends SolverPackage>(pool: Pool<P>, id: number): number {
  for (const other of pool.named(pool.nameOf(id))) if (pool.isInstalled(other)) return other;
  for (const obs of pool.deps(id, "obsoletes")) {
    for (const other of pool.obsoletedBy(obs)) if (pool.isInstalled(other)) return other;
  }
  return 0;
}

/** libsolv's `policy_is_illegal` with dnf's settings: only downgrades (when not allowed) and arch changes. */
function illegal<P extends SolverPackage>(
  pool: Pool<P>,
  installed: number,
  candidate: number,
  allowDowngrade: boolean,
): boolean {
  if (!allowDowngrade && pool.nameOf(installed) === pool.nameOf(candidate)) {
    if (compareEVR(pool.evrOf(installed), pool.evrOf(candidate)) > 0) return true;
  }
  const from = pool.pkg(installed).arch;
  const to = pool.pkg(candidate).arch;
  return from !== to && from !== "noarch" && to !== "noarch";
}

/**
 * libsolv's `solver_choicerulecheck`: true when none of the (best) packages the installed package's update rule
 * allows is among the rule's providers, so the related candidate should not narrow the rule.
 */
function choiceRuleCheck<P extends SolverPackage>(
  input: ChoiceRuleInput<P>,
  installed: number,
  positive: ReadonlySet<number>,
  updateRules: ReadonlyMap<number, Rule>,
  cache: Map<number, number[]>,
): boolean {
  const update = updateRules.get(installed);
  if (update === undefined) return false;
  const candidates = Array.from(update.lits).filter((lit) => lit > 0);
  if (candidates.length === 0) return true;
  if (candidates.length === 1) return !positive.has(candidates[0] as number);
  if (candidates.every((id) => positive.has(id))) return false;
  let best = cache.get(installed);
  if (best === undefined) {
    best = [...candidates];
    filterUnwanted(input.policy, best, PolicyMode.choose);
    cache.set(installed, best);
  }
  return !best.some((id) => positive.has(id));
}

/**
 * libsolv's `solver_disablechoicerules`: a choice rule to drop, and every other choice rule whose Requires rule
 * offers a package the first one left out.
 *
 * @param rule - the choice rule to drop
 * @param all - every choice rule
 */
export function choiceRulesToDisable(rule: Rule, all: readonly Rule[]): Rule[] {
  const out = [rule];
  const left = new Set(Array.from(rule.origin?.lits ?? []).filter((lit) => lit > 0));
  for (const lit of rule.lits) left.delete(lit);
  for (const other of all) {
    if (other === rule || other.disabled) continue;
    if (Array.from(other.origin?.lits ?? []).some((lit) => lit > 0 && left.has(lit))) out.push(other);
  }
  return out;
}

/**
 * libsolv's `solver_check_unneeded_choicerules`: choice rules whose Requires rule the solution fulfils with a
 * package the choice rule left out were not needed; they are dropped (with {@link choiceRulesToDisable}) and the
 * solve runs again.
 *
 * @param all - every choice rule
 * @param decision - the solution (> 0: installed)
 */
export function unneededChoiceRules(all: readonly Rule[], decision: Int32Array): Rule[] {
  const out = new Set<Rule>();
  for (const rule of all) {
    if (rule.disabled || out.has(rule) || rule.origin === undefined || rule.origin.disabled) continue;
    for (const lit of rule.origin.lits) {
      if (lit < 0 || (decision[lit] as number) <= 0) continue;
      if (!rule.lits.includes(lit)) {
        for (const dropped of choiceRulesToDisable(rule, all)) out.add(dropped);
        break;
      }
    }
  }
  return [...out];
}
