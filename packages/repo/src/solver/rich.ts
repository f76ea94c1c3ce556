/**
 * Rich (boolean) dependencies as formulas over "some provider of X is installed" atoms, with rpm's semantics
 * (lib/depends.cc): `A if B` = `A or not B`, `A if B else C` = `(A or not B) and (C or B)`, `A unless B` =
 * `A and not B`, `A unless B else C` = `(A and not B) or (C and B)`, `with`/`without` intersect/subtract the
 * provider sets, a lone `else` keeps its left side. Requires must be true, Conflicts false, Supplements
 * trigger when true.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core/store";
import { parseRichDep, type RichDep, type RichOperand } from "@grove/rpm/version";
import { type Pool, sortedUnique } from "./pool.js";
import type { SolverPackage } from "./types.js";

/** A boolean formula over provider sets. */
export type Formula =
  | { readonly op: "atom"; readonly ids: Int32Array }
  | { readonly op: "not"; readonly arg: Formula }
  | { readonly op: "and" | "or"; readonly args: readonly Formula[] };

/** More clauses than this from one rich dependency is treated as an error (real ones make a handful). */
export const MAX_RICH_CLAUSES = 20_000;

/** Parsed rich dependencies, shared by all solves (parsing is pure); cleared when it grows past a limit. */
const parsed = new Map<string, RichDep>();
const MAX_PARSED = 200_000;

/**
 * Parse a rich dependency, remembering the result.
 *
 * @param text - the dependency (starting with `(`)
 * @param source - where it comes from, for error messages
 * @throws GroveError `RPM_BAD_RICH_DEP` when it is not valid
 */
export function parseRich(text: string, source: string): RichDep {
  let tree = parsed.get(text);
  if (tree === undefined) {
    tree = parseRichDep(text, { source });
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, tree);
  }
  return tree;
}

/** The capability names a rich dependency mentions. */
export function richNames(node: RichOperand, out: string[] = []): string[] {
  switch (node.type) {
    case "dep":
      out.push(node.name);
      break;
    case "single":
      richNames(node.operand, out);
      break;
    case "and":
    case "or":
    case "with":
      for (const operand of node.operands) richNames(operand, out);
      break;
    case "without":
    case "else":
      richNames(node.left, out);
      richNames(node.right, out);
      break;
    default:
      richNames(node.consequent, out);
      richNames(node.condition, out);
      if (node.alternate !== undefined) richNames(node.alternate, out);
  }
  return out;
}

/** Parses rich dependencies once and turns them into formulas against a pool. */
export class RichDeps<P extends SolverPackage> {
  private readonly formulas = new Map<string, Formula>();

  /** @param pool - the pool providers are looked up in */
  constructor(private readonly pool: Pool<P>) {}

  /**
   * The formula of a rich dependency text such as `(foo >= 1 or bar)`.
   *
   * @param text - the dependency name (starting with `(`)
   * @param source - the package it comes from, for error messages
   * @throws GroveError `RPM_BAD_RICH_DEP` when the text is not a valid rich dependency
   */
  formula(text: string, source: string): Formula {
    let formula = this.formulas.get(text);
    if (formula === undefined) {
      formula = this.convert(parseRich(text, source));
      this.formulas.set(text, formula);
    }
    return formula;
  }

  private convert(node: RichOperand): Formula {
    switch (node.type) {
      case "dep":
        return { op: "atom", ids: this.pool.whatProvides(node.name, node.flags, node.evr) };
      case "single":
        return this.convert(node.operand);
      case "and":
      case "or":
        return { op: node.type, args: node.operands.map((operand) => this.convert(operand)) };
      case "with":
      case "without":
        return { op: "atom", ids: this.providerSet(node) };
      case "else":
        return this.convert(node.left);
      case "if": {
        const a = this.convert(node.consequent);
        const b = this.convert(node.condition);
        const ifPart: Formula = { op: "or", args: [a, { op: "not", arg: b }] };
        if (node.alternate === undefined) return ifPart;
        return { op: "and", args: [ifPart, { op: "or", args: [this.convert(node.alternate), b] }] };
      }
      case "unless": {
        const a = this.convert(node.consequent);
        const b = this.convert(node.condition);
        const unlessPart: Formula = { op: "and", args: [a, { op: "not", arg: b }] };
        if (node.alternate === undefined) return unlessPart;
        return { op: "or", args: [unlessPart, { op: "and", args: [this.convert(node.alternate), b] }] };
      }
    }
  }

  /** The packages satisfying an operand in rpm's "set mode" (`with`, `without`, `or`, single deps). */
  private providerSet(node: RichOperand): Int32Array {
    switch (node.type) {
      case "dep":
        return this.pool.whatProvides(node.name, node.flags, node.evr);
      case "single":
        return this.providerSet(node.operand);
      case "or": {
        const all: number[] = [];
        for (const operand of node.operands) for (const id of this.providerSet(operand)) all.push(id);
        return sortedUnique(all);
      }
      case "with": {
        let set = new Set(this.providerSet(node.operands[0] as RichOperand));
        for (const operand of node.operands.slice(1)) {
          const other = new Set(this.providerSet(operand));
          set = new Set([...set].filter((id) => other.has(id)));
        }
        return sortedUnique([...set]);
      }
      case "without": {
        const minus = new Set(this.providerSet(node.right));
        return sortedUnique([...this.providerSet(node.left)].filter((id) => !minus.has(id)));
      }
      default:
        // rpm rejects and/if/unless/else inside with/without ("unsupported op in set mode"): nothing matches.
        return new Int32Array(0);
    }
  }
}

/**
 * The formula as clauses (conjunctive normal form) over package literals: `+id` "installed", `-id` "not
 * installed". A positive atom is one clause listing its providers; a negated atom is one unit clause per
 * provider. An empty clause means "false".
 *
 * @param formula - the formula
 * @param negate - build the clauses of `not formula` (for Conflicts)
 * @param what - the dependency, for the error message
 * @throws GroveError `SOLVE_RICH_DEP_TOO_COMPLEX` when more than {@link MAX_RICH_CLAUSES} clauses result
 */
export function toClauses(formula: Formula, negate: boolean, what: string): number[][] {
  const clauses = cnf(formula, negate, what);
  const out: number[][] = [];
  for (const clause of clauses) {
    const unique = [...new Set(clause)].sort((a, b) => a - b);
    if (unique.some((lit) => lit > 0 && unique.includes(-lit))) continue; // tautology
    out.push(unique);
  }
  return out;
}

function cnf(formula: Formula, negate: boolean, what: string): number[][] {
  switch (formula.op) {
    case "atom":
      return negate ? Array.from(formula.ids, (id) => [-id]) : [Array.from(formula.ids)];
    case "not":
      return cnf(formula.arg, !negate, what);
    default: {
      const conjunction = (formula.op === "and") !== negate;
      const parts = formula.args.map((arg) => cnf(arg, negate, what));
      if (conjunction) return parts.flat();
      let product: number[][] = [[]];
      for (const part of parts) {
        const next: number[][] = [];
        for (const left of product) for (const right of part) next.push([...left, ...right]);
        if (next.length > MAX_RICH_CLAUSES) {
          throw new GroveError("SOLVE_RICH_DEP_TOO_COMPLEX", `rich dependency ${what} expands to too many clauses`, {
            subject: what,
          });
        }
        product = next;
      }
      return product;
    }
  }
}

/**
 * Evaluate a formula on a set of installed packages.
 *
 * @param formula - the formula
 * @param installed - whether a solvable counts as installed
 */
export function evaluate(formula: Formula, installed: (id: number) => boolean): boolean {
  switch (formula.op) {
    case "atom":
      for (const id of formula.ids) if (installed(id)) return true;
      return false;
    case "not":
      return !evaluate(formula.arg, installed);
    case "and":
      return formula.args.every((arg) => evaluate(arg, installed));
    case "or":
      return formula.args.some((arg) => evaluate(arg, installed));
  }
}

/**
 * Whether a formula could become true if packages from `possible` were installed (libsolv's
 * `solver_dep_possible`): negations always can.
 *
 * @param formula - the formula
 * @param possible - whether a solvable may be installed
 */
export function isPossible(formula: Formula, possible: (id: number) => boolean): boolean {
  switch (formula.op) {
    case "atom":
      for (const id of formula.ids) if (possible(id)) return true;
      return false;
    case "not":
      return true;
    case "and":
      return formula.args.every((arg) => isPossible(arg, possible));
    case "or":
      return formula.args.some((arg) => isPossible(arg, possible));
  }
}

/** Every solvable in a positive position of the formula (what installing it may pull in). */
export function positiveIds(formula: Formula, negate = false, out: number[] = []): number[] {
  switch (formula.op) {
    case "atom":
      if (!negate) for (const id of formula.ids) out.push(id);
      return out;
    case "not":
      return positiveIds(formula.arg, !negate, out);
    default:
      for (const arg of formula.args) positiveIds(arg, negate, out);
      return out;
  }
}
