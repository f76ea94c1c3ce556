/**
 * Rich dependency trees back to text, in the normal form rpmbuild stores in headers.
 * @packageDocumentation
 */
import type { RichDep, RichOperand } from "./rich-dep-types.js";
import { formatSenseOperator, RpmSense } from "./sense.js";

/**
 * Render a {@link RichDep} as rpmbuild writes rich dependencies into a package: every group in parentheses, single
 * spaces around operators, operators normalised (`==` becomes `=`, `=>` becomes `>=`, `=<` becomes `<=`).
 * For what {@link parseRichDep} returns, `formatRichDep(parseRichDep(s))` equals what rpmbuild makes of `s`.
 *
 * A leaf's EVR is written only when its flags have a comparison.
 *
 * @example formatRichDep(parseRichDep("(foo => 1.0 or  bar)")) === "(foo >= 1.0 or bar)"
 */
export function formatRichDep(dep: RichDep): string {
  return formatOperand(dep);
}

function formatOperand(node: RichOperand): string {
  switch (node.type) {
    case "dep":
      return (node.flags & RpmSense.SENSEMASK) !== 0 && node.evr !== ""
        ? `${node.name} ${formatSenseOperator(node.flags)} ${node.evr}`
        : node.name;
    case "single":
      return `(${formatOperand(node.operand)})`;
    case "and":
    case "or":
    case "with":
      return `(${node.operands.map(formatOperand).join(` ${node.type} `)})`;
    case "without":
    case "else":
      return `(${formatOperand(node.left)} ${node.type} ${formatOperand(node.right)})`;
    case "if":
    case "unless": {
      const head = `${formatOperand(node.consequent)} ${node.type} ${formatOperand(node.condition)}`;
      return node.alternate === undefined ? `(${head})` : `(${head} else ${formatOperand(node.alternate)})`;
    }
  }
}
