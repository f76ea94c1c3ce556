/**
 * Parsing rich (boolean) dependencies with rpm's grammar and restrictions (`rpmrichParse`, `rpmrichParseForTag`
 * and `rpmdsParseRichDep` in lib/rpmds.c).
 * @packageDocumentation
 */
import { GroveError } from "@grove/core/store";
import type { DependencyKind } from "../types.js";
import type { RichDep, RichOperand, RichSimpleDep } from "./rich-dep-types.js";
import { senseOperatorAt } from "./sense.js";

/** Options of {@link parseRichDep}. */
export interface ParseRichDepOptions {
  /**
   * Also enforce the restrictions rpmbuild applies to this kind of dependency (`rpmrichParseForTag`): in
   * requires/recommends/suggests, `unless` may not appear where its result would be and-ed (`(a unless b)` at the
   * top, `(a and (b unless c))`); in conflicts/supplements/enhances, `if` may not appear where its result would be
   * or-ed. Provides and obsoletes take no rich dependencies at all. Without a kind, only the checks rpm applies
   * when it reads a package are made (what its dependency solver does).
   */
  kind?: DependencyKind;
  /** The package file (or other origin) the dependency came from, for error messages. */
  source?: string;
}

/** How deep parentheses may nest before the input is rejected (rpm itself has no limit; real packages use 2-3). */
export const MAX_RICH_DEP_DEPTH = 256;

// rpm's rpmrichOp values.
const NONE = 0;
const SINGLE = 1;
const AND = 2;
const OR = 3;
const IF = 4;
const UNLESS = 5;
const ELSE = 6;
const WITH = 7;
const WITHOUT = 8;

// rpm's RICHPARSE_* check bits.
const CHECK = 1 << 0;
const NO_WITH = 1 << 1;
const NO_AND = 1 << 2;
const NO_OR = 1 << 3;

const OPEN = 0x28;
const CLOSE = 0x29;
const COMMA = 0x2c;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function opAt(text: string, start: number, end: number): number {
  switch (text.slice(start, end)) {
    case "and":
      return AND;
    case "or":
      return OR;
    case "if":
      return IF;
    case "unless":
      return UNLESS;
    case "else":
      return ELSE;
    case "with":
      return WITH;
    case "without":
      return WITHOUT;
    default:
      return NONE;
  }
}

/** What one parenthesised group parsed to, and the restriction bits it passes up. */
interface GroupResult {
  node: RichDep;
  check: number;
}

class RichDepParser {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly source: string | undefined,
  ) {}

  fail(reason: string, at: number = this.pos): never {
    const where = this.source === undefined ? "" : `${this.source}: `;
    throw new GroveError(
      "RPM_BAD_RICH_DEP",
      `${where}bad rich dependency ${JSON.stringify(this.text)}: ${reason} (at offset ${at})`,
      {
        subject: this.source ?? this.text,
        hint: "rich dependencies look like (a and b), (a or b >= 1.0), (a if b else c), (a with b), (a without b)",
      },
    );
  }

  /** rpm's SKIPWHITE: white space and commas. */
  skipWhite(): void {
    const text = this.text;
    while (this.pos < text.length) {
      const c = text.charCodeAt(this.pos);
      if (!isSpace(c) && c !== COMMA) break;
      this.pos++;
    }
  }

  /** rpm's SKIPNONWHITEX: up to white space, a comma, or a `)` that closes nothing opened in the token. */
  tokenEnd(from: number): number {
    const text = this.text;
    let x = from;
    let depth = 0;
    while (x < text.length) {
      const c = text.charCodeAt(x);
      if (isSpace(c) || c === COMMA) break;
      if (c === CLOSE) {
        if (depth <= 0) break;
        depth--;
      } else if (c === OPEN) {
        depth++;
      }
      x++;
    }
    return x;
  }

  /** `name [op evr]` (rpm's parseSimpleDep). */
  simple(): RichSimpleDep {
    const text = this.text;
    const nameStart = this.pos;
    this.pos = this.tokenEnd(nameStart);
    if (this.pos === nameStart) this.fail("Name required");
    const name = text.slice(nameStart, this.pos);
    this.skipWhite();
    let flags = 0;
    let evr = "";
    if (this.pos < text.length) {
      const opEnd = this.tokenEnd(this.pos);
      const sense = senseOperatorAt(text, this.pos, opEnd);
      if (sense !== 0) {
        this.pos = opEnd;
        this.skipWhite();
        const evrStart = this.pos;
        this.pos = this.tokenEnd(evrStart);
        if (this.pos === evrStart) this.fail("Version required");
        evr = text.slice(evrStart, this.pos);
        flags = sense;
      }
    }
    return { type: "dep", name, flags, evr };
  }

  /** rpm's rpmrichParseCheck. */
  checkOp(op: number, check: number, at: number): void {
    if ((op === WITH || op === WITHOUT) && (check & NO_WITH) !== 0) {
      this.fail("Illegal ops in with/without", at);
    }
    if ((check & CHECK) === 0) return;
    if ((op === AND || op === IF) && (check & NO_AND) !== 0) {
      this.fail("Illegal context for 'unless', please use 'or' instead", at);
    }
    if ((op === OR || op === UNLESS) && (check & NO_OR) !== 0) {
      this.fail("Illegal context for 'if', please use 'and' instead", at);
    }
  }

  /** One parenthesised group (rpm's rpmrichParseInternal); `checkIn` is what the caller passes down. */
  group(checkIn: number, depth: number): GroupResult {
    const text = this.text;
    const start = this.pos;
    if (depth >= MAX_RICH_DEP_DEPTH) this.fail(`nested deeper than ${MAX_RICH_DEP_DEPTH} levels`);
    if (text.charCodeAt(this.pos) !== OPEN) this.fail("Rich dependency does not start with '('");
    this.pos++;
    let check = checkIn;
    let op = SINGLE;
    let firstOp = SINGLE;
    let chainOp = NONE;
    const operands: RichOperand[] = [];
    const ops: number[] = [];
    for (;;) {
      this.skipWhite();
      const c = text.charCodeAt(this.pos);
      if (c === CLOSE) this.fail(chainOp !== NONE ? "Missing argument to rich dependency op" : "Empty rich dependency");
      if (c === OPEN) {
        const sub = this.group(check & CHECK, depth + 1);
        let subCheck = sub.check;
        // The condition of if/unless may use anything.
        if (op === IF || op === UNLESS) subCheck &= ~(NO_AND | NO_OR);
        check |= subCheck;
        operands.push(sub.node);
      } else {
        operands.push(this.simple());
      }
      this.skipWhite();
      if (this.pos >= text.length) this.fail("Unterminated rich dependency");
      if (text.charCodeAt(this.pos) === CLOSE) break;

      const opStart = this.pos;
      let opEnd = opStart;
      while (opEnd < text.length) {
        const oc = text.charCodeAt(opEnd);
        if (isSpace(oc) || oc === CLOSE) break;
        opEnd++;
      }
      op = opAt(text, opStart, opEnd);
      if (op === NONE) this.fail(`Unknown rich dependency op '${text.slice(opStart, opEnd)}'`, opStart);
      if (firstOp === SINGLE) firstOp = op;
      if (op === ELSE && (chainOp === IF || chainOp === UNLESS)) chainOp = NONE;
      if (chainOp !== NONE && op !== chainOp) this.fail("Cannot chain different ops", opStart);
      if (chainOp !== NONE && op !== AND && op !== OR && op !== WITH) {
        this.fail("Can only chain and/or/with ops", opStart);
      }
      chainOp = op;
      ops.push(op);
      this.pos = opEnd;
    }

    this.checkOp(firstOp, check, start);
    if (firstOp === IF) check |= NO_OR;
    if (firstOp === UNLESS) check |= NO_AND;
    if (op === AND || op === OR) check &= ~(NO_AND | NO_OR);
    if (op !== SINGLE && op !== WITH && op !== WITHOUT && op !== OR) check |= NO_WITH;
    this.pos++; // the ')'
    return { node: buildNode(operands, ops), check };
  }
}

/** Turn one group's operands and operators (already validated by rpm's rules) into its node. */
function buildNode(operands: RichOperand[], ops: number[]): RichDep {
  const first = operands[0]!;
  switch (ops[0]) {
    case undefined:
      return { type: "single", operand: first };
    case AND:
      return { type: "and", operands };
    case OR:
      return { type: "or", operands };
    case WITH:
      return { type: "with", operands };
    case WITHOUT:
      return { type: "without", left: first, right: operands[1]! };
    case ELSE:
      return { type: "else", left: first, right: operands[1]! };
    default:
      return {
        type: ops[0] === IF ? "if" : "unless",
        consequent: first,
        condition: operands[1]!,
        alternate: operands[2],
      };
  }
}

/** True when `name` is a rich dependency (rpm's `rpmdsIsRich`: it starts with `(`). */
export function isRichDep(name: string): boolean {
  return name.charCodeAt(0) === OPEN;
}

/**
 * Parse a rich dependency into its {@link RichDep} tree, accepting exactly what rpm accepts.
 *
 * Grammar (rpm's): `( operand [op operand]... )` where an operand is a nested group or `name [op evr]` (`op` one
 * of `<` `<=` `=<` `=` `==` `>=` `=>` `>`); white space and commas separate tokens; the ops are `and`, `or`,
 * `if`, `unless`, `else`, `with`, `without`. Only `and`/`or`/`with` chain (`(a and b and c)`), different ops never
 * mix in one group (`(a and b or c)` is an error), `else` only follows `if`/`unless`, and `with`/`without` may not
 * contain groups using `and`, `if`, `unless` or `else`. The whole string must be one group.
 *
 * @throws GroveError `RPM_BAD_RICH_DEP` naming the problem (in rpm's words) and its offset.
 * @example parseRichDep("(foo >= 1.0 or bar)")
 * // { type: "or", operands: [{ type: "dep", name: "foo", flags: 12, evr: "1.0" }, { type: "dep", name: "bar", flags: 0, evr: "" }] }
 */
export function parseRichDep(text: string, options: ParseRichDepOptions = {}): RichDep {
  const parser = new RichDepParser(text, options.source);
  const kind = options.kind;
  if (kind === "provides" || kind === "obsoletes") parser.fail(`No rich dependencies allowed for ${kind}`, 0);
  const { node, check } = parser.group(kind === undefined ? 0 : CHECK, 0);
  if (kind !== undefined) {
    const context = kind === "conflicts" || kind === "supplements" || kind === "enhances" ? OR : AND;
    parser.checkOp(context, check, 0);
  }
  if (parser.pos !== text.length) parser.fail("Junk after rich dependency");
  return node;
}
