/**
 * Package rules for the closure, as libsolv makes them (`solver_addpkgrulesforsolvable`): Requires,
 * "nothing provides", Conflicts, Obsoletes (by name) and one package per name. Installed packages'
 * dependencies that are already broken are not enforced (libsolv's "dontfix").
 * @packageDocumentation
 */
import type { Dependency } from "@grove/rpm";
import { formatDependency, isRichDep } from "@grove/rpm/version";
import type { Closure } from "./closure.js";
import type { Pool } from "./pool.js";
import { type RichDeps, toClauses } from "./rich.js";
import { compareRules, Rule, type RuleInfo, RuleKind, type RuleKindValue } from "./rule.js";
import type { SolverPackage } from "./types.js";

/** Text of a dependency as libsolv prints it in problems. */
export function depText(dep: Dependency): string {
  return isRichDep(dep.name) ? dep.name : formatDependency(dep);
}

/**
 * Build the package rules of every closure member, sorted in libsolv's rule order.
 *
 * @param pool - the pool
 * @param rich - rich dependency formulas
 * @param closure - the packages to make rules for
 */
export function buildPackageRules<P extends SolverPackage>(pool: Pool<P>, rich: RichDeps<P>, closure: Closure): Rule[] {
  const rules: Rule[] = [];
  const seen = new Map<string, Rule>();
  const member = closure.member;
  const add = (lits: number[], kind: RuleKindValue, info: { source: number; target?: number; dep?: string }): void => {
    if (lits.length === 2 && (lits[0] as number) > (lits[1] as number)) lits.reverse();
    const key = lits.join(",");
    const existing = seen.get(key);
    if (existing !== undefined) {
      const more = { kind, source: info.source, target: info.target ?? 0, dep: info.dep };
      const same = (i: RuleInfo): boolean =>
        i.kind === more.kind && i.source === more.source && i.target === more.target && i.dep === more.dep;
      if (!existing.infos().some(same)) existing.moreInfos.push(more);
      return;
    }
    const rule = new Rule(Int32Array.from(lits), kind, info);
    seen.set(key, rule);
    rules.push(rule);
  };

  for (const n of closure.ids) {
    const dontfix = pool.isInstalled(n);
    const source = pool.nevra(n);

    for (const dep of pool.deps(n, "requires")) {
      const text = depText(dep);
      if (isRichDep(dep.name)) {
        const raw = toClauses(rich.formula(dep.name, source), false, text);
        // libsolv ignores an installed package's rich dependency that can never be met as a whole (a clause
        // without any literal, as in `(a and b)` when nothing provides b).
        if (dontfix && raw.some((clause) => clause.length === 0)) continue;
        for (const lits of reduceClauses(raw, n, member)) {
          if (dontfix && !wasFulfilled(pool, lits)) continue;
          if (lits.length === 0) add([-n], RuleKind.nothingProvides, { source: n, dep: text });
          else add([-n, ...lits], RuleKind.requires, { source: n, dep: text });
        }
        continue;
      }
      const providers = pool.whatProvidesDep(dep);
      if (providers.includes(n)) continue;
      if (dontfix && !providers.some((id) => pool.isInstalled(id))) continue;
      if (providers.length === 0) add([-n], RuleKind.nothingProvides, { source: n, dep: text });
      else add([-n, ...providers], RuleKind.requires, { source: n, dep: text });
    }

    for (const dep of pool.deps(n, "conflicts")) {
      const text = depText(dep);
      if (isRichDep(dep.name)) {
        const raw = toClauses(rich.formula(dep.name, source), true, text);
        if (dontfix && raw.some((clause) => clause.length === 0)) continue;
        for (const lits of reduceClauses(raw, n, member)) {
          const target = lits.length === 1 && (lits[0] as number) < 0 ? -(lits[0] as number) : 0;
          if (dontfix && !wasFulfilled(pool, lits)) continue;
          add([-n, ...lits], RuleKind.conflicts, { source: n, target, dep: text });
        }
        continue;
      }
      for (const other of pool.whatProvidesDep(dep)) {
        if (other === n || member[other] !== 1) continue;
        if (dontfix && pool.isInstalled(other)) continue;
        add([-n, -other], RuleKind.conflicts, { source: n, target: other, dep: text });
      }
    }

    for (const dep of pool.deps(n, "obsoletes")) {
      const text = depText(dep);
      for (const other of pool.obsoletedBy(dep)) {
        if (other === n || member[other] !== 1) continue;
        if (dontfix && pool.isInstalled(other)) continue;
        const kind = dontfix ? RuleKind.installedObsoletes : RuleKind.obsoletes;
        add([-n, -other], kind, { source: n, target: other, dep: text });
      }
    }

    for (const other of pool.named(pool.nameOf(n))) {
      if (other === n || member[other] !== 1) continue;
      if (dontfix && pool.isInstalled(other)) continue;
      // libsolv names the higher id first ("cannot install both <newer id> and <older id>").
      add([-n, -other], RuleKind.sameName, { source: Math.max(n, other), target: Math.min(n, other) });
    }
  }
  return rules.sort(compareRules);
}

/**
 * libsolv's "dontfix" test for a clause of an installed package: enforce it only if the installed system
 * could fulfil it (a positive literal is installed, or a negative literal names a package that is not).
 */
function wasFulfilled<P extends SolverPackage>(pool: Pool<P>, lits: readonly number[]): boolean {
  return lits.some((lit) => (lit > 0 ? pool.isInstalled(lit) : !pool.isInstalled(-lit)));
}

/** {@link reduceClause} over a formula's clauses, leaving out the ones that are always satisfied. */
function reduceClauses(clauses: Iterable<readonly number[]>, n: number, member: Uint8Array): number[][] {
  const out: number[][] = [];
  for (const clause of clauses) {
    const lits = reduceClause(clause, n, member);
    if (lits !== undefined) out.push(lits);
  }
  return out;
}

/**
 * Simplify a clause for package `n`: `undefined` when it is always satisfied (it contains `n` itself, or says
 * "not X" for a package outside the closure, which is never installed); literals of packages outside the
 * closure that can never become true are dropped.
 */
function reduceClause(clause: readonly number[], n: number, member: Uint8Array): number[] | undefined {
  const out: number[] = [];
  for (const lit of clause) {
    if (lit === n) return undefined;
    if (lit === -n) continue;
    const v = lit > 0 ? lit : -lit;
    if (member[v] !== 1) {
      if (lit < 0) return undefined;
      continue;
    }
    out.push(lit);
  }
  return out;
}
