/**
 * Problem explanations in dnf's words (libdnf's `PKG_PROBLEMS_DICT`), and the error a failed solve throws.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";
import type { Pool } from "./pool.js";
import { type Rule, RuleKind } from "./rule.js";
import type { SolveProblem, SolverPackage } from "./types.js";

/** Error codes of the solver. */
export const SolveErrorCode = {
  /** No set of packages fulfils the request; {@link SolveError.problems} says why. */
  unsatisfiable: "SOLVE_UNSATISFIABLE",
  /** A spec matches no package. */
  noMatch: "SOLVE_NO_MATCH",
  /** A rich dependency is too complex to turn into rules. */
  richDepTooComplex: "SOLVE_RICH_DEP_TOO_COMPLEX",
} as const;

/** The error a failed solve throws: a {@link GroveError} with code `SOLVE_UNSATISFIABLE` and the problems. */
export class SolveError extends GroveError {
  /** Every problem found, as dnf lists them. */
  readonly problems: readonly SolveProblem[];

  /**
   * @param problems - the problems (at least one)
   * @param specs - the request, for the message
   */
  constructor(problems: readonly SolveProblem[], specs: readonly string[]) {
    super(SolveErrorCode.unsatisfiable, `no solution for ${specs.join(" ") || "the request"}:\n${formatProblems(problems)}`, {
      subject: specs.join(" "),
      hint: "the problems above say which dependency cannot be met; a different version, another repository or dropping a request may help",
    });
    this.name = "GroveError";
    this.problems = problems;
  }
}

/**
 * Format problems as dnf prints them: ` Problem: first` (or ` Problem N: first` when there are several)
 * followed by `  - rest` lines.
 *
 * @param problems - the problems
 */
export function formatProblems(problems: readonly SolveProblem[]): string {
  return problems
    .map((problem, i) => {
      const [head = "", ...rest] = problem.rules;
      const title = problems.length === 1 ? " Problem: " : ` Problem ${i + 1}: `;
      return [title + head, ...rest.map((line) => `  - ${line}`)].join("\n");
    })
    .join("\n");
}

/**
 * Turn problem proofs into explanations: one line per rule, duplicates dropped, problems identical to an
 * earlier one dropped (as libdnf does).
 *
 * @param pool - the pool
 * @param proofs - the rules of each problem
 */
export function describeProblems<P extends SolverPackage>(pool: Pool<P>, proofs: readonly Rule[][]): SolveProblem[] {
  const out: SolveProblem[] = [];
  for (const proof of proofs) {
    const lines: string[] = [];
    for (const rule of proof) {
      const line = describeRule(pool, rule);
      if (!lines.includes(line)) lines.push(line);
    }
    if (lines.length === 0) continue;
    const duplicate = out.some(
      (problem) => problem.rules.length === lines.length && lines.every((line) => problem.rules.includes(line)),
    );
    if (!duplicate) out.push({ rules: lines });
  }
  return out;
}

/**
 * One rule in dnf's words.
 *
 * @param pool - the pool
 * @param rule - the rule
 */
export function describeRule<P extends SolverPackage>(pool: Pool<P>, rule: Rule): string {
  const pkg = (id: number): string => `${pool.nevra(id)} from ${pool.repoOf(id).id}`;
  const dep = rule.dep ?? "";
  const target = rule.target !== 0 ? rule.target : otherPackage(rule);
  switch (rule.kind) {
    case RuleKind.requires:
      return `package ${pkg(rule.source)} requires ${dep}, but none of the providers can be installed`;
    case RuleKind.nothingProvides:
      return `nothing provides ${dep} needed by ${pkg(rule.source)}`;
    case RuleKind.conflicts:
      return `package ${pkg(rule.source)} conflicts with ${dep} provided by ${target === 0 ? "?" : pkg(target)}`;
    case RuleKind.obsoletes:
      return `package ${pkg(rule.source)} obsoletes ${dep} provided by ${pkg(target)}`;
    case RuleKind.installedObsoletes:
      return `installed package ${pool.nevra(rule.source)} obsoletes ${dep} provided by ${pkg(target)}`;
    case RuleKind.sameName:
      return `cannot install both ${pkg(rule.source)} and ${pkg(target)}`;
    case RuleKind.job:
      return "conflicting requests";
    case RuleKind.best:
      return "cannot install the best candidate for the job";
    case RuleKind.bestUpdate:
      return `cannot install the best update candidate for package ${pool.nevra(rule.source)}`;
    case RuleKind.update:
      return `problem with installed package ${pool.nevra(rule.source)}`;
    default:
      return "some dependency problem";
  }
}

function otherPackage(rule: Rule): number {
  for (let i = 1; i < rule.lits.length; i++) {
    const lit = rule.lits[i] as number;
    if (lit < 0 && -lit !== rule.source) return -lit;
  }
  return 0;
}
