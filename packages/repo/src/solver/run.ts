/**
 * The decision procedure, modelled on libsolv's `solver_run_sat` so that results match dnf's: assertions
 * first, then the requests, then the installed packages, then every unfulfilled rule in rule order (rules
 * with a single best candidate before ambiguous ones), then weak dependencies, then a minimisation pass over
 * earlier choices. Every decision is propagated; a conflict is analysed into a learnt rule and the search
 * backjumps (CDCL), so a solution is found whenever one exists. A conflict among assertions is a problem:
 * its proof is recorded, the requests involved are disabled, and solving restarts to find further problems.
 * @packageDocumentation
 */
import { choiceRulesToDisable, unneededChoiceRules } from "./choice-rules.js";
import type { Closure } from "./closure.js";
import { type InstalledEntry, replacedBy, type UpgradeScope } from "./installed.js";
import { filterUnwanted, type PolicyContext, PolicyMode } from "./policy.js";
import type { Pool } from "./pool.js";
import type { RichDeps } from "./rich.js";
import { type Rule, RuleKind } from "./rule.js";
import { Sat } from "./sat.js";
import type { SolverPackage } from "./types.js";
import { WeakState } from "./weak.js";

/** Reason codes kept with decisions. */
export const DecisionReason = {
  /** Implied by a rule, or chosen to fulfil a dependency. */
  dependency: 0,
  /** Chosen for a request. */
  request: 1,
  /** Chosen as a weak dependency (Recommends/Supplements). */
  weak: 2,
} as const;

/** The rules and settings of one solve. */
export interface RunInput<P extends SolverPackage> {
  /** The pool. */
  readonly pool: Pool<P>;
  /** Rich dependency formulas. */
  readonly rich: RichDeps<P>;
  /** The packages rules were made for. */
  readonly closure: Closure;
  /** Package rules, in libsolv order. */
  readonly packageRules: readonly Rule[];
  /** The installed packages, with their update rules. */
  readonly installed: readonly InstalledEntry[];
  /** One rule per request. */
  readonly jobRules: readonly Rule[];
  /** Weak rules preferring updates of installed packages (libsolv's choice rules). */
  readonly choiceRules: readonly Rule[];
  /** dnf best=True rules. */
  readonly bestRules: readonly Rule[];
  /** What the upgrade request covers, undefined when there is none. */
  readonly scope: UpgradeScope | undefined;
  /** Packages never installed as weak dependencies (dnf's exclude_from_weak). */
  readonly excludedFromWeak: ReadonlySet<number>;
  /** Install weak dependencies. */
  readonly weakDeps: boolean;
  /** Receives a line per solver step, for debugging. */
  readonly trace?: ((line: string) => void) | undefined;
}

interface Branch {
  level: number;
  cands: number[];
  tried: boolean[];
  reason: number;
}

/** One run of the solver over fixed rules. */
export class Run<P extends SolverPackage> implements PolicyContext {
  /** The pool. */
  readonly pool: Pool<SolverPackage>;
  /** The assignment state. */
  readonly sat: Sat;
  /** Per solvable: 0 undecided, `+level` installed, `-level` not installed. */
  readonly decision: Int32Array;
  /** The proofs of the problems found (non-empty means unsolvable). */
  readonly problems: Rule[][] = [];

  private readonly input: RunInput<P>;
  /** Every rule but the learnt ones, in libsolv's order. */
  private readonly rules: Rule[];
  private branches: Branch[] = [];
  private readonly weak: WeakState<P>;
  private readonly installedIds: number[];
  private watched = false;
  private installedPos = 0;
  private readonly noupdate: Uint8Array;
  private readonly problemDisabled = new Set<Rule>();

  /** @param input - rules and settings */
  constructor(input: RunInput<P>) {
    this.input = input;
    this.pool = input.pool as unknown as Pool<SolverPackage>;
    this.sat = new Sat(input.pool.count);
    this.decision = this.sat.decision;
    this.rules = [
      ...input.packageRules,
      ...input.installed.map((entry) => entry.update),
      ...input.jobRules,
      ...input.choiceRules,
      ...input.bestRules,
    ];
    this.weak = new WeakState(input.pool, input.rich, input.closure, this.decision, this.sat.trail);
    this.installedIds = input.installed.map((entry) => entry.id);
    this.noupdate = new Uint8Array(input.pool.count + 1);
  }

  /**
   * Solve.
   *
   * @returns true when a solution was found (read {@link Run.decision}); false when problems were recorded
   */
  solve(): boolean {
    let level = 0;
    let systemLevel = 1;
    for (;;) {
      if (level <= 0) {
        if (level < 0) break;
        level = this.makeRuleDecisions();
        if (level <= 0) continue;
        const conflict = this.sat.propagate(1);
        if (conflict !== undefined) {
          level = this.analyzeUnsolvable(conflict);
          continue;
        }
        systemLevel = level + 1;
      }
      if (level < systemLevel) {
        const before = level;
        level = this.resolveJobRules(level);
        if (level < before) continue;
        systemLevel = level + 1;
      }
      if (level < systemLevel && this.installedIds.length > 0) {
        const before = level;
        level = this.resolveInstalled(level);
        if (level < before) continue;
        systemLevel = level + 1;
      }
      if (level < systemLevel) systemLevel = level;
      const before = level;
      level = this.resolveDependencies(level);
      if (level < before) continue;
      if (this.input.weakDeps) {
        const weak = this.resolveWeak(level);
        level = weak.level;
        if (weak.rerun) continue;
      }
      const unneeded = unneededChoiceRules(this.input.choiceRules, this.decision);
      if (unneeded.length > 0) {
        for (const rule of unneeded) this.disableForGood(rule);
        this.sat.reset();
        level = 0;
        continue;
      }
      const minimized = this.minimize(level);
      if (minimized !== undefined) {
        level = minimized;
        continue;
      }
      break;
    }
    return this.problems.length === 0 && level > 0;
  }

  /** Reason code of each true solvable's decision, by id. */
  decisionReasons(): Map<number, number> {
    const out = new Map<number, number>();
    const trail = this.sat.trail;
    for (let i = 0; i < trail.length; i++) {
      const lit = trail[i] as number;
      if (lit > 0) out.set(lit, this.sat.trailReason[i] as number);
    }
    return out;
  }

  // ---- PolicyContext -------------------------------------------------------------------------------------

  /** Recommended by an installed package, or supplementing installed packages. */
  isRecommended(id: number): boolean {
    return this.weak.isRecommended(id);
  }

  /** Suggested by an installed package, or enhancing installed packages. */
  isSuggested(id: number): boolean {
    return this.weak.isSuggested(id);
  }

  // ---- phases --------------------------------------------------------------------------------------------

  /**
   * Level 1: assert every enabled unit rule, as libsolv's `makeruledecisions`. The first time, every rule is
   * watched; after a problem disabled some rules, learnt rules derived from them are disabled too.
   * Returns 1, or what problem analysis returns.
   */
  private makeRuleDecisions(): number {
    const sat = this.sat;
    sat.reset();
    this.branches = [];
    this.weak.reset();
    this.installedPos = 0;
    this.applyPolicy();
    if (!this.watched) {
      sat.watchAll(this.rules);
      this.watched = true;
    } else {
      for (const rule of sat.learnt) rule.disabled = dependsOnDisabled(rule);
    }
    for (const rule of this.rules) {
      if (rule.disabled || rule.lits.length !== 1) continue;
      const lit = rule.lits[0] as number;
      const value = sat.value(lit);
      if (value > 0) continue;
      if (value === 0) {
        sat.assign(lit, 1, rule, this.reasonFor(rule));
        continue;
      }
      return this.analyzeUnsolvable(rule);
    }
    for (const rule of sat.learnt) {
      if (rule.disabled || rule.lits.length !== 1) continue;
      const lit = rule.lits[0] as number;
      const value = sat.value(lit);
      if (value === 0) sat.assign(lit, 1, rule);
      else if (value < 0) rule.disabled = true;
    }
    return 1;
  }

  private resolveJobRules(startLevel: number): number {
    let level = startLevel;
    const jobs = this.input.jobRules;
    for (let i = 0; i < jobs.length; i++) {
      const rule = jobs[i] as Rule;
      if (rule.disabled) continue;
      let dq: number[] = [];
      let satisfied = false;
      for (const lit of rule.lits) {
        const value = this.sat.value(lit);
        if (value > 0) {
          satisfied = true;
          break;
        }
        if (value === 0) dq.push(lit);
      }
      if (satisfied || dq.length === 0) continue;
      if (dq.length > 1 && this.installedIds.length > 0) {
        const updating = dq.some((id) => this.pool.isInstalled(id) && this.input.scope?.updateMap[id] === 1);
        if (!updating) {
          const installed = dq.filter((id) => this.pool.isInstalled(id));
          if (installed.length > 0) dq = installed;
        }
      }
      const before = level;
      level = this.selectAndInstall(level, dq, DecisionReason.request);
      if (level <= before) {
        if (level === before) {
          i--;
          continue;
        }
        if (level < startLevel) return level;
        i = -1;
      }
    }
    return level;
  }

  /**
   * libsolv's `resolve_installed`: in passes (0: packages an upgrade covers, 1: keep the others, 2: update
   * what could not be kept), install the best of each package's update candidates or keep it.
   */
  private resolveInstalled(startLevel: number): number {
    let level = startLevel;
    const entries = this.input.installed;
    const count = entries.length;
    const scope = this.input.scope;
    const decision = this.decision;
    let installedPos = this.installedPos;
    const startPass = scope !== undefined ? 0 : 1;
    for (let pass = startPass; pass < 3; ) {
      let needPass2 = false;
      const passLevel = level;
      let i = installedPos;
      let n = 0;
      for (; n < count; i++, n++) {
        if (i === count) i = 0;
        const entry = entries[i] as InstalledEntry;
        const id = entry.id;
        if ((decision[id] as number) > 0) continue;
        if (pass === 0 && scope?.updateMap[id] !== 1) continue;
        const lits: readonly number[] = !entry.update.disabled
          ? Array.from(entry.update.lits)
          : entry.featureCandidates.length > 0
            ? [id, ...entry.featureCandidates]
            : Array.from(entry.update.lits);
        const before = level;
        if (this.noupdate[id] !== 1 && ((decision[id] as number) < 0 || scope?.updateMap[id] === 1)) {
          if (pass === 1) {
            needPass2 = true;
            continue;
          }
          let dq: number[] = [];
          for (const lit of lits) {
            const d = decision[lit] as number;
            if (d > 0) {
              dq = [];
              break;
            }
            if (d === 0) dq.push(lit);
          }
          const targets = scope?.targets.get(id);
          if (targets !== undefined) dq = dq.filter((candidate) => targets.has(candidate));
          if (dq.length > 0) {
            level = this.selectAndInstall(level, dq, DecisionReason.dependency);
            if (level <= before) {
              if (level < passLevel) break;
              if (level < before) n = 0;
              i--;
              n--;
              continue;
            }
          }
        }
        if (decision[id] === 0) {
          this.input.trace?.(`keep ${this.literal(id)}`);
          level = this.setPropagateLearn(level, id, DecisionReason.dependency);
          if (level <= before) {
            if (level < passLevel) break;
            if (level < before) n = 0;
            i--;
            n--;
          }
        }
      }
      if (n < count) {
        installedPos = i;
        if (level < startLevel) break;
        pass = startPass;
        continue;
      }
      installedPos = 0;
      pass++;
      if (pass === 2 && !needPass2) break;
    }
    this.installedPos = installedPos;
    return level;
  }

  /**
   * libsolv's `solver_disablepolicyrules`: a request that installs a package replacing an installed one (same
   * name or obsoleted, for every candidate of the request) switches that package's update rule off.
   */
  private applyPolicy(): void {
    const pool = this.input.pool;
    this.noupdate.fill(0);
    for (const rule of this.input.jobRules) {
      if (rule.disabled) continue;
      if (Array.from(rule.lits).some((id) => pool.isInstalled(id))) continue;
      let common: Set<number> | undefined;
      for (const id of rule.lits) {
        const replaced = new Set(replacedBy(pool, id));
        common = common === undefined ? replaced : new Set([...common].filter((p) => replaced.has(p)));
        if (common.size === 0) break;
      }
      for (const id of common ?? []) this.noupdate[id] = 1;
    }
    for (const entry of this.input.installed) {
      entry.update.disabled = this.problemDisabled.has(entry.update) || this.noupdate[entry.id] === 1;
    }
    for (const rule of this.input.bestRules) {
      if (rule.kind !== RuleKind.bestUpdate) continue;
      rule.disabled = this.problemDisabled.has(rule) || this.noupdate[rule.source] === 1;
    }
  }

  private resolveDependencies(startLevel: number): number {
    let level = startLevel;
    const decision = this.decision;
    const learnt = this.sat.learnt;
    const fixed = this.rules;
    let postponed = 0;
    const dq: number[] = [];
    for (let i = 0, n = 0; ; i++, n++) {
      const total = fixed.length + learnt.length;
      if (n >= total) {
        if (postponed <= 0) break;
        i = postponed - 1;
        postponed = -1;
        n = 0;
      }
      if (i >= total) i = 0;
      const rule = (i < fixed.length ? fixed[i] : learnt[i - fixed.length]) as Rule;
      if (rule.disabled) continue;
      const lits = rule.lits;
      const first = lits[0] as number;
      if (first < 0 && (decision[-first] as number) <= 0) continue;
      dq.length = 0;
      let fulfilled = false;
      for (let k = 0; k < lits.length; k++) {
        const lit = lits[k] as number;
        if (lit < 0) {
          if ((decision[-lit] as number) <= 0) {
            fulfilled = true;
            break;
          }
        } else {
          const d = decision[lit] as number;
          if (d > 0) {
            fulfilled = true;
            break;
          }
          if (d === 0) dq.push(lit);
        }
      }
      if (fulfilled || dq.length === 0) continue;
      const choice = [...dq];
      this.input.trace?.(`unfulfilled [${this.literals(rule)}]`);
      if (choice.length > 1 && postponed >= 0) {
        filterUnwanted(this, choice, PolicyMode.chooseNoReorder);
        if (choice.length > 1) {
          if (postponed === 0) postponed = i + 1;
          continue;
        }
      }
      level = this.selectAndInstall(level, choice, DecisionReason.dependency);
      if (level < startLevel) break;
      // Look at every rule again, this one included (libsolv visits nrules - 1 rules after a decision).
      n = -1;
    }
    return level;
  }

  private resolveWeak(startLevel: number): { level: number; rerun: boolean } {
    let level = startLevel;
    const pool = this.input.pool;
    const decision = this.decision;
    const recommended: number[] = [];
    const supplemented: number[] = [];
    const seen = new Set<number>();
    for (const id of this.input.closure.ids) {
      const d = decision[id] as number;
      if (d < 0) continue;
      if (d > 0) {
        if (pool.isInstalled(id)) continue;
        for (const rec of pool.deps(id, "recommends")) {
          for (const candidate of this.weak.candidates(id, rec.name, rec.flags, rec.evr)) {
            if (!seen.has(candidate)) {
              seen.add(candidate);
              recommended.push(candidate);
            }
          }
        }
      } else if (pool.deps(id, "supplements").length > 0 && this.weak.isSupplementing(id)) {
        if (!this.input.excludedFromWeak.has(id)) supplemented.push(id);
      }
    }
    let dq = recommended.filter((id) => !this.input.excludedFromWeak.has(id));
    let dqs = supplemented;
    if (this.installedIds.length > 0 && (dq.length > 0 || dqs.length > 0)) {
      const obsoleted = new Set<number>();
      for (const id of this.installedIds) {
        if ((decision[id] as number) <= 0) continue;
        for (const obs of pool.deps(id, "obsoletes")) for (const other of pool.obsoletedBy(obs)) obsoleted.add(other);
      }
      dq = dq.filter((id) => !obsoleted.has(id));
      dqs = dqs.filter((id) => !obsoleted.has(id) && this.weak.supplementsNewPackages(id));
    }
    for (const id of dqs) if (!dq.includes(id)) dq.push(id);
    if (dq.length === 0) return { level, rerun: false };
    if (dq.length === 1)
      return { level: this.setPropagateLearn(level, dq[0] as number, DecisionReason.weak), rerun: true };
    filterUnwanted(this, dq, PolicyMode.recommend);
    const best = new Set(dq);
    dqs = dqs.filter((id) => best.has(id));
    if (dqs.length > 1) filterUnwanted(this, dqs, PolicyMode.supplement);
    const decisionCount = this.sat.trail.length;
    for (const id of dqs) {
      if (decision[id] !== 0) continue;
      const before = level;
      level = this.setPropagateLearn(level, id, DecisionReason.weak);
      if (level <= before) return { level, rerun: true };
    }
    if (this.sat.trail.length < decisionCount) return { level, rerun: true };
    for (let i = 0; i < decisionCount; i++) {
      const id = this.sat.trail[i] as number;
      if (id < 0 || pool.isInstalled(id)) continue;
      for (const rec of pool.deps(id, "recommends")) {
        const choice = this.weak.candidates(id, rec.name, rec.flags, rec.evr).filter((c) => best.has(c));
        if (choice.length === 0) continue;
        if (choice.length > 1) filterUnwanted(this, choice, PolicyMode.choose);
        if (choice.length > 1) this.createBranch(level, choice, DecisionReason.weak);
        const before = level;
        level = this.setPropagateLearn(level, choice[0] as number, DecisionReason.weak);
        if (level <= before || this.sat.trail.length < decisionCount) return { level, rerun: true };
      }
    }
    return { level, rerun: true };
  }

  /**
   * libsolv's auto-minimisation: if an alternative not taken at some earlier choice got installed anyway
   * later, or a recommended alternative was passed over for one nobody recommends, go back and take it.
   */
  private minimize(level: number): number | undefined {
    if (this.branches.length === 0) return undefined;
    let take: { branch: number; cand: number } | undefined;
    for (let b = this.branches.length - 1; b >= 0; b--) {
      const branch = this.branches[b] as Branch;
      const l = branch.level;
      let recommendedIndex = -1;
      let found = false;
      for (let k = 0; k < branch.cands.length; k++) {
        if (branch.tried[k] === true) continue;
        const id = branch.cands[k] as number;
        if ((this.decision[id] as number) > l) {
          take = { branch: b, cand: k };
          recommendedIndex = -1;
          found = true;
          break;
        }
        if (recommendedIndex < 0 && this.isRecommended(id)) recommendedIndex = k;
      }
      if (found || recommendedIndex < 0) continue;
      for (let k = 0; k < branch.cands.length; k++) {
        if (branch.tried[k] !== true) continue;
        const id = branch.cands[k] as number;
        if (this.decision[id] !== l + 1) continue;
        if (this.replacesInstalled(id)) continue;
        if (!this.isRecommended(id)) {
          take = { branch: b, cand: recommendedIndex };
          break;
        }
      }
    }
    if (take === undefined) return undefined;
    void level;
    return this.takeBranch(take.branch, take.cand);
  }

  // ---- decisions -----------------------------------------------------------------------------------------

  private selectAndInstall(level: number, dq: number[], reason: number): number {
    if (dq.length > 1) filterUnwanted(this, dq, PolicyMode.choose);
    if (dq.length > 1 && this.installedIds.length > 0) {
      const replacing = dq.filter((id) => this.replacesInstalled(id));
      if (replacing.length > 0 && replacing.length < dq.length) {
        dq.length = 0;
        dq.push(...replacing);
      }
    }
    if (dq.length > 1) this.createBranch(level, dq, reason);
    return this.setPropagateLearn(level, dq[0] as number, reason);
  }

  private createBranch(level: number, dq: readonly number[], reason: number): void {
    this.branches.push({ level, cands: [...dq], tried: dq.map((_, k) => k === 0), reason });
  }

  private takeBranch(index: number, cand: number): number {
    const branch = this.branches[index] as Branch;
    branch.tried[cand] = true;
    this.branches.length = index + 1;
    this.sat.revert(branch.level);
    this.weak.trailShrank();
    return this.setPropagateLearn(branch.level, branch.cands[cand] as number, branch.reason);
  }

  /**
   * Decide `lit` at a new level (when non-zero) and propagate; on conflict learn, backjump and repeat.
   *
   * @returns the new level; below the old one after a backjump; 0 after recording a problem; -1 when hopeless
   */
  private setPropagateLearn(startLevel: number, lit: number, reason: number): number {
    let level = startLevel;
    const sat = this.sat;
    const trace = this.input.trace;
    if (lit !== 0) {
      level++;
      trace?.(`decide ${this.literal(lit)} at level ${level}`);
      sat.assign(lit, level, undefined, reason);
    }
    for (;;) {
      const conflict = sat.propagate(level);
      if (conflict === undefined) break;
      if (level === 1) return this.analyzeUnsolvable(conflict);
      const learnt = sat.analyze(conflict, level);
      trace?.(
        `conflict at level ${level} in [${this.literals(conflict)}], learnt [${this.literals(learnt.rule)}] for level ${learnt.level}`,
      );
      level = learnt.level;
      this.revert(level);
      sat.assign(learnt.rule.lits[0] as number, level, learnt.rule);
    }
    return level;
  }

  private literal(lit: number): string {
    const id = lit > 0 ? lit : -lit;
    const text = `${this.pool.nevra(id)}${this.pool.isInstalled(id) ? "@installed" : ""}`;
    return lit > 0 ? text : `!${text}`;
  }

  private literals(rule: Rule): string {
    return Array.from(rule.lits, (lit) => this.literal(lit)).join(", ");
  }

  private revert(level: number): void {
    this.sat.revert(level);
    while (this.branches.length > 0 && (this.branches[this.branches.length - 1] as Branch).level >= level) {
      this.branches.pop();
    }
    this.weak.trailShrank();
  }

  /**
   * Record the proof of a conflict at level 1 and disable the requests involved; a proof using a weak (choice)
   * rule instead drops the last such rule and records nothing.
   */
  private analyzeUnsolvable(conflict: Rule): number {
    const proof = this.sat.proof(conflict);
    const weak = proof.filter((rule) => rule.kind === RuleKind.choice);
    if (weak.length > 0) {
      const order = this.input.choiceRules;
      let last = weak[0] as Rule;
      for (const rule of weak) if (order.indexOf(rule) > order.indexOf(last)) last = rule;
      for (const rule of choiceRulesToDisable(last, this.input.choiceRules)) this.disableForGood(rule);
      this.sat.reset();
      return 0;
    }
    this.problems.push(proof);
    const culprits = proof.filter((rule) => !rule.isPackageRule);
    if (culprits.length === 0) return -1;
    // As libsolv: a problem with a request (its job or best rule) disables the whole request.
    const jobs = new Set(culprits.filter((rule) => rule.job >= 0).map((rule) => rule.job));
    for (const rule of culprits) this.disableForGood(rule);
    for (const rule of [...this.input.jobRules, ...this.input.bestRules])
      if (jobs.has(rule.job)) this.disableForGood(rule);
    this.sat.reset();
    return 0;
  }

  /** Disable a rule for the rest of the solve (policy changes do not bring it back). */
  private disableForGood(rule: Rule): void {
    rule.disabled = true;
    this.problemDisabled.add(rule);
  }

  private reasonFor(rule: Rule): number {
    return rule.kind === "job" || rule.kind === "best" ? DecisionReason.request : DecisionReason.dependency;
  }

  /** True when installing `id` replaces an installed package (same name, or obsoletes one). */
  private replacesInstalled(id: number): boolean {
    const pool = this.input.pool;
    if (pool.isInstalled(id)) return true;
    if (pool.named(pool.nameOf(id)).some((other) => pool.isInstalled(other))) return true;
    for (const obs of pool.deps(id, "obsoletes")) {
      if (pool.obsoletedBy(obs).some((other) => pool.isInstalled(other))) return true;
    }
    return false;
  }
}

/** True when a learnt rule was derived (directly or not) from a disabled rule. */
function dependsOnDisabled(rule: Rule, seen: Set<Rule> = new Set()): boolean {
  if (seen.has(rule)) return false;
  seen.add(rule);
  for (const reason of rule.why ?? []) {
    if (reason.why === undefined ? reason.disabled : dependsOnDisabled(reason, seen)) return true;
  }
  return false;
}
