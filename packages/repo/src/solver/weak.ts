/**
 * What weak dependencies say about the current assignment: which packages installed packages recommend or
 * suggest (kept up to date incrementally along the decision trail, like libsolv's recommendsmap), which
 * packages supplement or enhance installed ones, and which candidates would fulfil an open Recommends.
 * @packageDocumentation
 */
import { isRichDep } from "@grove/rpm/version";
import type { Closure } from "./closure.js";
import type { Pool } from "./pool.js";
import { evaluate, type Formula, type RichDeps, toClauses } from "./rich.js";
import type { SolverPackage } from "./types.js";

/** Weak-dependency facts about an assignment. */
export class WeakState<P extends SolverPackage> {
  private readonly recommendsMap: Uint8Array;
  private readonly suggestsMap: Uint8Array;
  private index = -1;

  /**
   * @param pool - the pool
   * @param rich - rich dependency formulas
   * @param closure - the packages the solve works on
   * @param decision - per solvable: > 0 installed, < 0 not, 0 undecided (read live)
   * @param trail - the assigned literals in order (read live)
   */
  constructor(
    private readonly pool: Pool<P>,
    private readonly rich: RichDeps<P>,
    private readonly closure: Closure,
    private readonly decision: Int32Array,
    private readonly trail: readonly number[],
  ) {
    this.recommendsMap = new Uint8Array(pool.count + 1);
    this.suggestsMap = new Uint8Array(pool.count + 1);
  }

  /** Forget everything (after the trail was reset). */
  reset(): void {
    this.index = -1;
  }

  /** The trail shrank: rebuild the maps on next use if it shrank below what they cover. */
  trailShrank(): void {
    if (this.index > this.trail.length) this.index = -1;
  }

  /** Recommended by an installed package, or supplementing installed packages. */
  isRecommended(id: number): boolean {
    this.update();
    return this.recommendsMap[id] === 1 || this.fulfilled(id, "supplements");
  }

  /** Suggested by an installed package, or enhancing installed packages. */
  isSuggested(id: number): boolean {
    this.update();
    return this.suggestsMap[id] === 1 || this.fulfilled(id, "enhances");
  }

  /** A Supplements of `id` is fulfilled by installed packages. */
  isSupplementing(id: number): boolean {
    return this.fulfilled(id, "supplements");
  }

  /** libsolv's "already installed" filter: a Supplements counts only when new packages fulfil it. */
  supplementsNewPackages(id: number): boolean {
    const pool = this.pool;
    const installed = (p: number): boolean => (this.decision[p] as number) > 0;
    const newlyInstalled = (p: number): boolean => installed(p) && !pool.isInstalled(p);
    for (const dep of pool.deps(id, "supplements")) {
      if (isRichDep(dep.name)) {
        const formula = this.rich.formula(dep.name, pool.nevra(id));
        if (evaluate(formula, installed) && someAtom(formula, newlyInstalled)) return true;
      } else if (pool.whatProvidesDep(dep).some(newlyInstalled)) return true;
    }
    return false;
  }

  /**
   * Undecided packages that would fulfil a Recommends of `id` not fulfilled yet (none when it is fulfilled).
   *
   * @param id - the recommending package
   * @param name - the Recommends entry's name (or rich dependency)
   * @param flags - its flags
   * @param evr - its version
   */
  candidates(id: number, name: string, flags: number, evr: string): number[] {
    const decision = this.decision;
    const out: number[] = [];
    if (isRichDep(name)) {
      const formula = this.rich.formula(name, this.pool.nevra(id));
      if (evaluate(formula, (p) => (decision[p] as number) > 0)) return out;
      for (const clause of toClauses(formula, false, name)) {
        const closed = clause.some((lit) => {
          const installed = (decision[lit > 0 ? lit : -lit] as number) > 0;
          return lit > 0 ? installed : !installed;
        });
        if (closed) continue;
        for (const lit of clause) if (lit > 0 && decision[lit] === 0 && !out.includes(lit)) out.push(lit);
      }
      return out;
    }
    for (const p of this.pool.whatProvides(name, flags, evr)) {
      const d = decision[p] as number;
      if (d > 0) return [];
      if (d === 0 && this.closure.member[p] === 1) out.push(p);
    }
    return out;
  }

  private fulfilled(id: number, kind: "supplements" | "enhances"): boolean {
    const pool = this.pool;
    const installed = (p: number): boolean => (this.decision[p] as number) > 0;
    for (const dep of pool.deps(id, kind)) {
      if (isRichDep(dep.name)) {
        if (evaluate(this.rich.formula(dep.name, pool.nevra(id)), installed)) return true;
      } else if (pool.whatProvidesDep(dep).some(installed)) return true;
    }
    return false;
  }

  private update(): void {
    if (this.index < 0) {
      this.recommendsMap.fill(0);
      this.suggestsMap.fill(0);
      this.index = 0;
    }
    while (this.index < this.trail.length) {
      const id = this.trail[this.index++] as number;
      if (id < 0) continue;
      this.mark(id, "recommends", this.recommendsMap);
      this.mark(id, "suggests", this.suggestsMap);
    }
  }

  private mark(id: number, kind: "recommends" | "suggests", map: Uint8Array): void {
    const pool = this.pool;
    for (const dep of pool.deps(id, kind)) {
      if (!isRichDep(dep.name)) {
        for (const p of pool.whatProvidesDep(dep)) map[p] = 1;
        continue;
      }
      // A rich weak dependency marks the packages of each clause whose conditions hold.
      for (const clause of toClauses(this.rich.formula(dep.name, pool.nevra(id)), false, dep.name)) {
        if (clause.some((lit) => lit < 0 && (this.decision[-lit] as number) <= 0)) continue;
        for (const lit of clause) if (lit > 0) map[lit] = 1;
      }
    }
  }
}

function someAtom(formula: Formula, test: (id: number) => boolean): boolean {
  switch (formula.op) {
    case "atom":
      return formula.ids.some(test);
    case "not":
      return false;
    default:
      return formula.args.some((arg) => someAtom(arg, test));
  }
}
