/**
 * The CDCL core: assignments with decision levels, unit propagation with two watched literals per rule,
 * first-UIP conflict analysis that learns a clause and backjumps, and the proof collection for problems.
 * Decisions themselves are made by the policy-driven procedure in `run.ts`, as in libsolv.
 *
 * Level 1 holds the assertions (unit rules and what they imply); choices start at level 2.
 * @packageDocumentation
 */
import { Rule, RuleKind } from "./rule.js";

/** Watch-list slot of a literal. */
function slot(lit: number): number {
  return lit > 0 ? lit << 1 : (-lit << 1) | 1;
}

/** Result of {@link Sat.analyze}: the learnt rule and the level to continue at. */
export interface Learnt {
  /** The new rule; its first literal is the one to assert. */
  readonly rule: Rule;
  /** The level to backjump to. */
  readonly level: number;
}

/** Assignment state and propagation over a growing set of rules. */
export class Sat {
  /** Per solvable: 0 undecided, `+level` installed, `-level` not installed. */
  readonly decision: Int32Array;
  /** Assigned literals in order. */
  readonly trail: number[] = [];
  /** The rule that implied each trail entry (undefined for free decisions). */
  readonly trailWhy: (Rule | undefined)[] = [];
  /** A caller-defined reason code for each trail entry (0 unless given to {@link Sat.assign}). */
  readonly trailReason: number[] = [];
  /** Rules learnt so far, in order. */
  readonly learnt: Rule[] = [];
  private propagateIndex = 0;
  private heads: (Rule | undefined)[];
  private readonly seen: Uint8Array;

  /** @param count - number of solvables (ids 1..count) */
  constructor(private readonly count: number) {
    this.decision = new Int32Array(count + 1);
    this.heads = new Array((count + 1) * 2);
    this.seen = new Uint8Array(count + 1);
  }

  /** 1 when the literal is true, -1 when false, 0 when undecided. */
  value(lit: number): number {
    const d = this.decision[lit > 0 ? lit : -lit] as number;
    if (d === 0) return 0;
    return d > 0 === lit > 0 ? 1 : -1;
  }

  /** The decision level of a literal's variable (0 when undecided). */
  levelOf(lit: number): number {
    const d = this.decision[lit > 0 ? lit : -lit] as number;
    return d < 0 ? -d : d;
  }

  /**
   * Watch rules (those with two or more literals) on their first two literals, so that each watch list
   * holds its rules in the given order (libsolv's `makewatches`).
   */
  watchAll(rules: readonly Rule[]): void {
    this.heads = new Array((this.count + 1) * 2);
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i] as Rule;
      if (rule.lits.length < 2) continue;
      rule.w1 = rule.lits[0] as number;
      rule.w2 = rule.lits[1] as number;
      this.link(rule);
    }
  }

  /** Put a rule at the front of its two watch lists (libsolv's `addwatches_rule`). */
  link(rule: Rule): void {
    const s1 = slot(rule.w1);
    rule.n1 = this.heads[s1];
    this.heads[s1] = rule;
    const s2 = slot(rule.w2);
    rule.n2 = this.heads[s2];
    this.heads[s2] = rule;
  }

  /**
   * Assign a literal.
   *
   * @param lit - the literal to make true
   * @param level - its decision level
   * @param why - the rule implying it, undefined for a free decision
   * @param reason - a reason code kept with the assignment
   */
  assign(lit: number, level: number, why: Rule | undefined, reason = 0): void {
    this.decision[lit > 0 ? lit : -lit] = lit > 0 ? level : -level;
    this.trail.push(lit);
    this.trailWhy.push(why);
    this.trailReason.push(reason);
  }

  /**
   * Propagate all pending assignments, visiting watch lists and moving watches exactly as libsolv's
   * `propagate` does (so that conflicts, and hence problem reports, come out the same).
   *
   * @param level - the current level (implied literals get it)
   * @returns the violated rule, or undefined
   */
  propagate(level: number): Rule | undefined {
    const heads = this.heads;
    while (this.propagateIndex < this.trail.length) {
      const pkg = -(this.trail[this.propagateIndex++] as number);
      const s = slot(pkg);
      let prev: Rule | undefined;
      let prevFirst = false;
      let rule = heads[s];
      while (rule !== undefined) {
        const first = rule.w1 === pkg;
        const next = first ? rule.n1 : rule.n2;
        const other = first ? rule.w2 : rule.w1;
        if (rule.disabled || this.value(other) > 0) {
          prev = rule;
          prevFirst = first;
          rule = next;
          continue;
        }
        const lits = rule.lits;
        if (lits.length > 2) {
          let p = 0;
          const head = lits[0] as number;
          if (head !== other && this.value(head) >= 0) p = head;
          else {
            for (let k = 1; k < lits.length; k++) {
              const lit = lits[k] as number;
              if (lit !== other && this.value(lit) >= 0) {
                p = lit;
                break;
              }
            }
          }
          if (p !== 0) {
            if (prev === undefined) heads[s] = next;
            else if (prevFirst) prev.n1 = next;
            else prev.n2 = next;
            const ps = slot(p);
            if (first) {
              rule.w1 = p;
              rule.n1 = heads[ps];
            } else {
              rule.w2 = p;
              rule.n2 = heads[ps];
            }
            heads[ps] = rule;
            rule = next;
            continue;
          }
        }
        if (this.value(other) < 0) return rule;
        this.assign(other, level, rule);
        prev = rule;
        prevFirst = first;
        rule = next;
      }
    }
    return undefined;
  }

  /** Undo every assignment above `level`. */
  revert(level: number): void {
    const trail = this.trail;
    while (trail.length > 0) {
      const lit = trail[trail.length - 1] as number;
      const v = lit > 0 ? lit : -lit;
      const d = this.decision[v] as number;
      if (d <= level && d >= -level) break;
      this.decision[v] = 0;
      trail.pop();
      this.trailWhy.pop();
      this.trailReason.pop();
    }
    if (this.propagateIndex > trail.length) this.propagateIndex = trail.length;
  }

  /** Undo every assignment (learnt rules and watch lists stay). */
  reset(): void {
    this.revert(0);
    this.propagateIndex = 0;
  }

  /**
   * First-UIP conflict analysis at `level` (> 1): learn a clause (watched, kept in {@link Sat.learnt}) and say
   * where to backjump; the caller reverts and asserts the clause's first literal. Level-1 literals are left out
   * of the clause (they never change); their reasons are kept in the clause's `why` for explanations.
   *
   * @param conflict - the violated rule
   * @param level - the current level
   */
  analyze(conflict: Rule, level: number): Learnt {
    const seen = this.seen;
    const why: Rule[] = [];
    const others: number[] = [];
    const level1: number[] = [];
    let backLevel = 1;
    let pending = 0;
    let idx = this.trail.length;
    let rule = conflict;
    let uip = 0;
    for (;;) {
      why.push(rule);
      for (const lit of rule.lits) {
        if (this.value(lit) > 0) continue; // the literal this rule implied
        const v = lit > 0 ? lit : -lit;
        if (seen[v] === 1) continue;
        seen[v] = 1;
        const l = this.levelOf(lit);
        if (l <= 1) level1.push(v);
        else if (l === level) pending++;
        else {
          others.push(lit);
          if (l > backLevel) backLevel = l;
        }
      }
      if (pending === 0) throw new Error(`solver: conflict without a literal of level ${level}`);
      let lit: number;
      do lit = this.trail[--idx] as number;
      while (seen[lit > 0 ? lit : -lit] !== 1 || this.levelOf(lit) !== level);
      seen[lit > 0 ? lit : -lit] = 0;
      if (--pending === 0) {
        uip = lit;
        break;
      }
      rule = this.trailWhy[idx] as Rule;
    }
    for (const lit of others) seen[lit > 0 ? lit : -lit] = 0;
    this.collectLevel1Reasons(level1, why);
    const lits = Int32Array.from([-uip, ...others]);
    const learnt = new Rule(lits, RuleKind.learnt, { why });
    this.learnt.push(learnt);
    if (lits.length >= 2) {
      // Watch the asserted literal and the first other literal of the highest level (libsolv's watch2onhighest).
      let best = 1;
      for (let k = 2; k < lits.length; k++) {
        if (this.levelOf(lits[k] as number) > this.levelOf(lits[best] as number)) best = k;
      }
      learnt.w1 = lits[0] as number;
      learnt.w2 = lits[best] as number;
      this.link(learnt);
    }
    return { rule: learnt, level: backLevel };
  }

  /**
   * The proof of a conflict at level 1: the violated rule, then the reasons of every level-1 assignment
   * involved, learnt rules expanded into the rules they came from. Duplicates are dropped.
   *
   * @param conflict - the rule violated at level 1
   */
  proof(conflict: Rule): Rule[] {
    const seen = this.seen;
    const raw: Rule[] = [conflict];
    const marked: number[] = [];
    for (const lit of conflict.lits) {
      const v = lit > 0 ? lit : -lit;
      if (seen[v] !== 1) {
        seen[v] = 1;
        marked.push(v);
      }
    }
    for (let idx = this.trail.length - 1; idx >= 0; idx--) {
      const lit = this.trail[idx] as number;
      const v = lit > 0 ? lit : -lit;
      if (seen[v] !== 1) continue;
      const why = this.trailWhy[idx];
      if (why === undefined) continue;
      raw.push(why);
      for (const other of why.lits) {
        const w = other > 0 ? other : -other;
        if (seen[w] !== 1) {
          seen[w] = 1;
          marked.push(w);
        }
      }
    }
    for (const v of marked) seen[v] = 0;
    const out: Rule[] = [];
    const done = new Set<Rule>();
    const expand = (rule: Rule): void => {
      if (done.has(rule)) return;
      done.add(rule);
      if (rule.why !== undefined) for (const inner of rule.why) expand(inner);
      else out.push(rule);
    };
    for (const rule of raw) expand(rule);
    return out;
  }

  private collectLevel1Reasons(level1: number[], why: Rule[]): void {
    if (level1.length === 0) return;
    const seen = this.seen;
    let remaining = level1.length;
    for (let idx = this.trail.length - 1; idx >= 0 && remaining > 0; idx--) {
      const lit = this.trail[idx] as number;
      const v = lit > 0 ? lit : -lit;
      if (seen[v] !== 1) continue;
      seen[v] = 0;
      remaining--;
      const reason = this.trailWhy[idx];
      if (reason === undefined) continue;
      why.push(reason);
      for (const other of reason.lits) {
        const w = other > 0 ? other : -other;
        if (seen[w] !== 1 && w !== v) {
          seen[w] = 1;
          remaining++;
        }
      }
    }
    for (const v of level1) seen[v] = 0;
  }
}
