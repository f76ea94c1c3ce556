/**
 * Problem explanations in dnf's words (libdnf 0.69's `PKG_PROBLEMS_DICT`, as dnf 4.14 prints them), and the
 * error a failed solve throws.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core/store";
import { formatDependency, isRichDep } from "@grove/rpm/version";
import type { Pool } from "./pool.js";
import { type Rule, type RuleInfo, RuleKind } from "./rule.js";
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
    super(
      SolveErrorCode.unsatisfiable,
      `no solution for ${specs.join(" ") || "the request"}:\n${formatProblems(problems)}`,
      {
        subject: specs.join(" "),
        hint: "the problems above say which dependency cannot be met; a different version, another repository or dropping a request may help",
      },
    );
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
      for (const line of describeRule(pool, rule)) if (!lines.includes(line)) lines.push(line);
    }
    if (lines.length === 0) continue;
    const duplicate = out.some(
      (problem) => problem.rules.length === lines.length && lines.every((line) => problem.rules.includes(line)),
    );
    if (!duplicate) out.push({ rules: lines });
  }
  return out;
}

/** libsolv's numbering of package rule kinds, which orders a rule's explanations. */
const KIND_ORDER: Readonly<Record<string, number>> = {
  [RuleKind.nothingProvides]: 2,
  [RuleKind.requires]: 3,
  [RuleKind.conflicts]: 5,
  [RuleKind.sameName]: 6,
  [RuleKind.obsoletes]: 7,
  [RuleKind.installedObsoletes]: 9,
};

/**
 * A rule in dnf's words: one line per meaning (libsolv's `solver_allruleinfos`), sorted by kind and packages.
 *
 * @param pool - the pool
 * @param rule - the rule
 */
export function describeRule<P extends SolverPackage>(pool: Pool<P>, rule: Rule): string[] {
  const infos = rule.infos();
  const order = infos.length > 1 ? depOrder(pool, infos) : undefined;
  infos.sort(
    (a, b) =>
      (KIND_ORDER[a.kind] ?? 0) - (KIND_ORDER[b.kind] ?? 0) ||
      a.source - b.source ||
      a.target - b.target ||
      (order?.get(a.dep ?? "") ?? 0) - (order?.get(b.dep ?? "") ?? 0),
  );
  return infos.map((info) => describeInfo(pool, rule, info));
}

const DEP_KINDS_IN_PRIMARY = [
  "provides",
  "requires",
  "conflicts",
  "obsoletes",
  "suggests",
  "enhances",
  "recommends",
  "supplements",
] as const;

/**
 * libsolv orders a rule's explanations by dependency id, and ids are handed out in the order strings first
 * appear in the metadata: find where each dependency's name (or, for a versioned one, the whole dependency)
 * first appears, scanning packages in pool order (only done when explaining a failure).
 */
function depOrder<P extends SolverPackage>(pool: Pool<P>, infos: readonly RuleInfo[]): Map<string, number> {
  const wanted = new Map<string, string>();
  for (const info of infos) {
    if (info.dep === undefined) continue;
    const m = /^(\S+) ([<>=]+) (\S+)$/.exec(info.dep);
    wanted.set(info.dep, m === null ? info.dep : `${m[1]}\u0000${m[2]}\u0000${m[3]}`);
  }
  const keys = new Set(wanted.values());
  const found = new Map<string, number>();
  let position = 0;
  const see = (key: string): void => {
    position++;
    if (keys.has(key) && !found.has(key)) found.set(key, position);
  };
  for (let id = 1; id <= pool.count && found.size < keys.size; id++) {
    const pkg = pool.pkg(id);
    see(pkg.name);
    for (const kind of DEP_KINDS_IN_PRIMARY) {
      for (const dep of pkg.dependencies[kind] ?? []) {
        see(dep.name);
        if (dep.evr !== "" && (dep.flags & 14) !== 0)
          see(`${dep.name}\u0000${formatOperator(dep.flags)}\u0000${dep.evr}`);
      }
    }
    for (const file of pkg.files ?? []) see(file);
  }
  // Plain names come before versioned and rich dependencies (libsolv "reldeps", ids with the top bit set).
  const out = new Map<string, number>();
  for (const [dep, key] of wanted) {
    const at = found.get(key) ?? Number.MAX_SAFE_INTEGER / 4;
    out.set(dep, key === dep && !isRichDep(dep) ? at : at + Number.MAX_SAFE_INTEGER / 2);
  }
  return out;
}

function formatOperator(flags: number): string {
  return formatDependency({ name: "", flags, evr: "" }).trim();
}

function describeInfo<P extends SolverPackage>(pool: Pool<P>, rule: Rule, info: RuleInfo): string {
  const pkg = (id: number): string => pool.nevra(id);
  const dep = info.dep ?? "";
  const target = info.target !== 0 ? info.target : otherPackage(rule);
  switch (info.kind) {
    case RuleKind.requires:
      return `package ${pkg(info.source)} requires ${dep}, but none of the providers can be installed`;
    case RuleKind.nothingProvides:
      return `nothing provides ${dep} needed by ${pkg(info.source)}`;
    case RuleKind.conflicts:
      return `package ${pkg(info.source)} conflicts with ${dep} provided by ${target === 0 ? "?" : pkg(target)}`;
    case RuleKind.obsoletes:
      return `package ${pkg(info.source)} obsoletes ${dep} provided by ${pkg(target)}`;
    case RuleKind.installedObsoletes:
      return `installed package ${pool.nevra(info.source)} obsoletes ${dep} provided by ${pkg(target)}`;
    case RuleKind.sameName:
      return `cannot install both ${pkg(info.source)} and ${pkg(target)}`;
    case RuleKind.job:
      return "conflicting requests";
    case RuleKind.best:
      return "cannot install the best candidate for the job";
    case RuleKind.bestUpdate:
      return `cannot install the best update candidate for package ${pool.nevra(info.source)}`;
    case RuleKind.update:
      return `problem with installed package ${pool.nevra(info.source)}`;
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
