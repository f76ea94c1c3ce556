/**
 * The typed syntax tree of a rich (boolean) dependency such as `(foo >= 1.0 or (bar if baz))`.
 *
 * Every parenthesised group is one {@link RichDep} node; plain `name [op evr]` leaves are {@link RichSimpleDep}.
 * The shapes are exactly the ones rpm's grammar (`rpmrichParse`) accepts inside one pair of parentheses.
 * @packageDocumentation
 */

/** A plain dependency inside a rich dependency: `name`, or `name op evr`. */
export interface RichSimpleDep {
  /** Discriminant. */
  type: "dep";
  /** Capability name as written (may itself contain balanced parentheses, e.g. `perl(Foo::Bar)`). */
  name: string;
  /** Comparison bits (`RpmSense.LESS | GREATER | EQUAL`), 0 when unversioned. */
  flags: number;
  /** The EVR as written, `""` when unversioned. */
  evr: string;
}

/** `(x)`: a single operand in parentheses. */
export interface RichSingle {
  /** Discriminant. */
  type: "single";
  /** The operand. */
  operand: RichOperand;
}

/** `(a and b ...)`, `(a or b ...)`, `(a with b ...)`: the ops rpm lets you chain (two or more operands). */
export interface RichChain {
  /** Discriminant: the operator. */
  type: "and" | "or" | "with";
  /** The operands, in order (at least two). */
  operands: RichOperand[];
}

/**
 * `(a without b)`, and `(a else b)`: rpm's grammar accepts `else` as a lone operator; rpm's solver then only
 * looks at `a`.
 */
export interface RichBinary {
  /** Discriminant: the operator. */
  type: "without" | "else";
  /** Left operand. */
  left: RichOperand;
  /** Right operand. */
  right: RichOperand;
}

/** `(a if b)`, `(a if b else c)`, `(a unless b)`, `(a unless b else c)`. */
export interface RichConditional {
  /** Discriminant: the operator. */
  type: "if" | "unless";
  /** What is required (or conflicted, ...) when the condition holds (`if`) or does not hold (`unless`). */
  consequent: RichOperand;
  /** The condition. */
  condition: RichOperand;
  /** The `else` branch, `undefined` when there is none. */
  alternate: RichOperand | undefined;
}

/** A parenthesised rich dependency expression. */
export type RichDep = RichSingle | RichChain | RichBinary | RichConditional;

/** An operand inside a rich dependency: a plain dependency or a nested parenthesised expression. */
export type RichOperand = RichSimpleDep | RichDep;

/** The operator words of rich dependencies. */
export type RichOperator = "and" | "or" | "if" | "unless" | "else" | "with" | "without";
