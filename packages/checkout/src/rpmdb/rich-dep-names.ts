/**
 * The extra index keys rpm files a rich (boolean) dependency under (`updateRichDep` in lib/rpmdb.c, rpm 4.18).
 * @packageDocumentation
 */
import { parseRichDep, type RichDep, type RichOperand } from "@grove/rpm/version";
import { badHeader } from "./errors.js";

/**
 * The most component keys one rich dependency may produce. `else` copies its condition's names, so nesting
 * conditions inside conditions doubles them at every level: a short hostile string could otherwise expand
 * exponentially (rpm itself would exhaust memory). Real dependencies produce a handful.
 */
export const MAX_RICH_DEP_KEYS = 4096;

type Op = "single" | "and" | "or" | "if" | "unless" | "else" | "with" | "without";

/**
 * Replays `updateRichDepCB` over the callbacks `rpmrichParse` makes (ENTER, SIMPLE, OP, LEAVE), collecting the
 * component names: prefixed `' '` normally and `'!'` under an `if`/`unless` condition, with `else` copying the
 * condition's names inverted.
 */
class ComponentCollector {
  readonly names: string[] = [];
  private neg = false;
  private readonly levelStart: number[] = [];

  constructor(
    private readonly text: string,
    private readonly subject: string,
  ) {}

  private add(name: string): void {
    if (this.names.length >= MAX_RICH_DEP_KEYS) {
      const shown = this.text.length > 80 ? `${this.text.slice(0, 80)}...` : this.text;
      throw badHeader(this.subject, `rich dependency ${shown} expands to more than ${MAX_RICH_DEP_KEYS} index keys`);
    }
    this.names.push(name);
  }

  enter(): void {
    this.levelStart.push(this.names.length);
  }

  simple(name: string): void {
    if (name.length === 0 || (name.length > 7 && name.startsWith("rpmlib("))) return;
    this.add((this.neg ? "!" : " ") + name);
  }

  op(op: Op): void {
    if (op === "if" || op === "unless") {
      this.levelStart[this.levelStart.length - 1] = this.names.length;
      this.neg = !this.neg;
    } else if (op === "else") {
      const start = this.levelStart[this.levelStart.length - 1] as number;
      const end = this.names.length;
      for (let i = start; i < end; i++) {
        const name = this.names[i] as string;
        this.add((name[0] === "!" ? " " : "!") + name.slice(1));
      }
      this.neg = !this.neg;
    }
  }

  leave(op: Op): void {
    this.levelStart.pop();
    if (op === "if" || op === "unless") this.neg = !this.neg;
  }
}

function walk(node: RichOperand, c: ComponentCollector): void {
  if (node.type === "dep") {
    c.simple(node.name);
    return;
  }
  walkGroup(node, c);
}

function walkGroup(node: RichDep, c: ComponentCollector): void {
  c.enter();
  let last: Op;
  switch (node.type) {
    case "single":
      walk(node.operand, c);
      last = "single";
      break;
    case "and":
    case "or":
    case "with":
      node.operands.forEach((operand, i) => {
        if (i > 0) c.op(node.type);
        walk(operand, c);
      });
      last = node.type;
      break;
    case "without":
    case "else":
      walk(node.left, c);
      c.op(node.type);
      walk(node.right, c);
      last = node.type;
      break;
    case "if":
    case "unless":
      walk(node.consequent, c);
      c.op(node.type);
      walk(node.condition, c);
      last = node.type;
      if (node.alternate !== undefined) {
        c.op("else");
        walk(node.alternate, c);
        last = "else";
      }
      break;
  }
  c.leave(last);
}

/**
 * The component keys rpm adds to a dependency index for a rich dependency, besides the full `(...)` string:
 * every plain name in it except `rpmlib(...)`, prefixed with `!` when it sits in an `if`/`unless` condition,
 * sorted bytewise with duplicates removed. Empty when rpm cannot parse the dependency.
 * @param text - the dependency as stored, decoded one byte per character (latin1) so bytes survive unchanged
 * @param subject - the package, for messages
 * @returns keys, also one byte per character
 * @throws GroveError `CHECKOUT_RPMDB_BAD_HEADER` when the dependency expands to more than {@link MAX_RICH_DEP_KEYS}
 * @example richDepIndexKeys("(foo if bar)") // ["foo", "!bar"]
 */
export function richDepIndexKeys(text: string, subject = "rich dependency"): string[] {
  let tree: RichDep;
  try {
    tree = parseRichDep(text);
  } catch {
    return [];
  }
  const c = new ComponentCollector(text, subject);
  walkGroup(tree, c);
  const sorted = [...c.names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  let previous: string | undefined;
  for (const name of sorted) {
    if (name === previous) continue;
    previous = name;
    out.push(name[0] === " " ? name.slice(1) : name);
  }
  return out;
}
