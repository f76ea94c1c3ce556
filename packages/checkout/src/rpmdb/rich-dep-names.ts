/**
 * The extra index keys rpm files a rich (boolean) dependency under (`updateRichDep` in lib/rpmdb.c, rpm 4.18).
 * @packageDocumentation
 */
import { parseRichDep, type RichDep, type RichOperand } from "@grove/rpm";

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

  enter(): void {
    this.levelStart.push(this.names.length);
  }

  simple(name: string): void {
    if (name.length === 0 || (name.length > 7 && name.startsWith("rpmlib("))) return;
    this.names.push((this.neg ? "!" : " ") + name);
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
        this.names.push((name[0] === "!" ? " " : "!") + name.slice(1));
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
 * @returns keys, also one byte per character
 * @example richDepIndexKeys("(foo if bar)") // ["!bar", "foo"]
 */
export function richDepIndexKeys(text: string): string[] {
  let tree: RichDep;
  try {
    tree = parseRichDep(text);
  } catch {
    return [];
  }
  const c = new ComponentCollector();
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
