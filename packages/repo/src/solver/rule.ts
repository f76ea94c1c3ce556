/**
 * Solver rules: clauses over package literals (`+id` installed, `-id` not installed) with what they mean,
 * so that failures can be explained the way dnf explains them.
 * @packageDocumentation
 */

/** What a rule stands for. */
export const RuleKind = {
  /** `-pkg | provider...`: a Requires of `source`. */
  requires: "requires",
  /** `-pkg`: nothing provides a Requires of `source`. */
  nothingProvides: "nothing-provides",
  /** `-pkg | -other`: `source` conflicts with `dep` provided by `target`. */
  conflicts: "conflicts",
  /** `-pkg | -other`: `source` obsoletes `target`. */
  obsoletes: "obsoletes",
  /** `-pkg | -other`: installed `source` obsoletes `target`. */
  installedObsoletes: "installed-obsoletes",
  /** `-pkg | -other`: two packages of the same name. */
  sameName: "same-name",
  /** `installed | replacement...`: an installed package stays unless replaced. */
  update: "update",
  /** `candidate...`: a user request. */
  job: "job",
  /** `best candidate...`: dnf's best=True for a request. */
  best: "best",
  /** `best updates...`: dnf's best=True for an upgrade of `source`. */
  bestUpdate: "best-update",
  /** A weak copy of a Requires rule preferring updates of installed packages over new packages. */
  choice: "choice",
  /** Derived by conflict analysis. */
  learnt: "learnt",
} as const;

/** One of the {@link RuleKind} values. */
export type RuleKindValue = (typeof RuleKind)[keyof typeof RuleKind];

/** One meaning of a package rule (identical clauses made for several reasons have several). */
export interface RuleInfo {
  /** What it stands for. */
  readonly kind: RuleKindValue;
  /** The package the rule is about. */
  readonly source: number;
  /** The other package, 0 when none. */
  readonly target: number;
  /** The dependency text, if any. */
  readonly dep: string | undefined;
}

/** A clause plus its meaning. */
export class Rule {
  /** The literals, in libsolv's order (the package the rule is about first). Never modified. */
  readonly lits: Int32Array;
  /** The first watched literal (rules of two or more literals). */
  w1 = 0;
  /** The second watched literal. */
  w2 = 0;
  /** Next rule in the watch list of {@link Rule.w1}. */
  n1: Rule | undefined = undefined;
  /** Next rule in the watch list of {@link Rule.w2}. */
  n2: Rule | undefined = undefined;
  /** What it stands for. */
  readonly kind: RuleKindValue;
  /** The package the rule is about (0 when none). */
  readonly source: number;
  /** The other package (conflicts, obsoletes, same name), 0 when none. */
  readonly target: number;
  /** The dependency text involved, if any. */
  readonly dep: string | undefined;
  /** For job and best rules: the index of the request. */
  readonly job: number;
  /** For learnt rules: the rules it was derived from. */
  readonly why: readonly Rule[] | undefined;
  /** For choice rules: the Requires rule it narrows. */
  readonly origin: Rule | undefined;
  /** Disabled rules take no part in solving (after a problem was recorded). */
  disabled = false;
  /** Further meanings of the same clause (package rules made more than once). */
  readonly moreInfos: RuleInfo[] = [];

  /**
   * @param lits - the literals
   * @param kind - what the rule stands for
   * @param info - source/target package, dependency, request index, learnt reasons
   */
  constructor(
    lits: Int32Array,
    kind: RuleKindValue,
    info: { source?: number; target?: number; dep?: string; job?: number; why?: readonly Rule[]; origin?: Rule } = {},
  ) {
    this.lits = lits;
    this.w1 = lits[0] ?? 0;
    this.w2 = lits[1] ?? 0;
    this.kind = kind;
    this.source = info.source ?? 0;
    this.target = info.target ?? 0;
    this.dep = info.dep;
    this.job = info.job ?? -1;
    this.why = info.why;
    this.origin = info.origin;
  }

  /** Every meaning of the rule, the first one first. */
  infos(): RuleInfo[] {
    return [{ kind: this.kind, source: this.source, target: this.target, dep: this.dep }, ...this.moreInfos];
  }

  /** True for rules that come from package metadata (not from the request, updates, or learning). */
  get isPackageRule(): boolean {
    return (
      this.kind !== RuleKind.job &&
      this.kind !== RuleKind.best &&
      this.kind !== RuleKind.bestUpdate &&
      this.kind !== RuleKind.update &&
      this.kind !== RuleKind.choice &&
      this.kind !== RuleKind.learnt
    );
  }
}

/**
 * libsolv's rule order (`unifyrules_sortcmp`): by first literal, then the remaining literals compared in
 * sequence with a missing literal counting as 0. The solver visits unfulfilled rules in this order.
 */
export function compareRules(a: Rule, b: Rule): number {
  const x = a.lits;
  const y = b.lits;
  const first = (x[0] ?? 0) - (y[0] ?? 0);
  if (first !== 0) return first;
  const n = Math.max(x.length, y.length);
  for (let i = 1; i < n; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
