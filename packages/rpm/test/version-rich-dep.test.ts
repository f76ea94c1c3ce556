/**
 * Rich dependencies: parse trees, rpmbuild-normal formatting, rpm's errors and restrictions, real fixture rich deps,
 * and a differential run against rpm 4.18's own spec parser (`rpm.spec` in its Python bindings) on generated input.
 */
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import type { DependencyKind } from "../src/types.js";
import {
  formatRichDep,
  isRichDep,
  MAX_RICH_DEP_DEPTH,
  parseRichDep,
  type RichDep,
  RpmSense,
} from "../src/version/index.js";
import {
  haveRpm,
  missingToolMessage,
  oracleRequired,
  pick,
  realDependencies,
  realRpmsAvailable,
  rpmOracleSpecRichDeps,
  rpmPython,
  type SpecDependencyTag,
  seededRandom,
} from "./version-oracles.js";

const { LESS, GREATER, EQUAL } = RpmSense;
const dep = (name: string, flags = 0, evr = "") => ({ type: "dep", name, flags, evr }) as const;

const TREES: ReadonlyArray<readonly [string, RichDep]> = [
  ["(a and b)", { type: "and", operands: [dep("a"), dep("b")] }],
  ["(a or b or c)", { type: "or", operands: [dep("a"), dep("b"), dep("c")] }],
  ["(foo >= 1.0 or bar)", { type: "or", operands: [dep("foo", GREATER | EQUAL, "1.0"), dep("bar")] }],
  ["(a if b)", { type: "if", consequent: dep("a"), condition: dep("b"), alternate: undefined }],
  ["(a if b else c)", { type: "if", consequent: dep("a"), condition: dep("b"), alternate: dep("c") }],
  ["(a unless b)", { type: "unless", consequent: dep("a"), condition: dep("b"), alternate: undefined }],
  ["(a unless b else c)", { type: "unless", consequent: dep("a"), condition: dep("b"), alternate: dep("c") }],
  ["(a with b with c)", { type: "with", operands: [dep("a"), dep("b"), dep("c")] }],
  ["(a without b)", { type: "without", left: dep("a"), right: dep("b") }],
  ["(a else b)", { type: "else", left: dep("a"), right: dep("b") }],
  ["(a)", { type: "single", operand: dep("a") }],
  ["((a))", { type: "single", operand: { type: "single", operand: dep("a") } }],
  [
    "((pkgS or pkgT) and pkgU)",
    { type: "and", operands: [{ type: "or", operands: [dep("pkgS"), dep("pkgT")] }, dep("pkgU")] },
  ],
  [
    "(bobloblaw >= 1.1 if maritimelaw else anyone < 0.5.1-2)",
    {
      type: "if",
      consequent: dep("bobloblaw", GREATER | EQUAL, "1.1"),
      condition: dep("maritimelaw"),
      alternate: dep("anyone", LESS, "0.5.1-2"),
    },
  ],
  [
    "(perl(Foo::Bar) = 1:2.0-3 and libc.so.6()(64bit))",
    { type: "and", operands: [dep("perl(Foo::Bar)", EQUAL, "1:2.0-3"), dep("libc.so.6()(64bit)")] },
  ],
  ["(and)", { type: "single", operand: dep("and") }],
  ["(a( and b)", { type: "and", operands: [dep("a("), dep("b")] }],
];

/** Input -> rpmbuild's normal form (confirmed by the spec-parser oracle below). */
const NORMALISED: ReadonlyArray<readonly [string, string]> = [
  ["( a   and\tb )", "(a and b)"],
  ["(a , and b)", "(a and b)"],
  ["(foo => 1.0 or  bar)", "(foo >= 1.0 or bar)"],
  // Operators need white space around them: `foo=>1.0` is a name.
  ["(foo=>1.0 or  bar)", "(foo=>1.0 or bar)"],
  ["(a => 1 or b =< 2 or c == 3 or d > 4 or e < 5)", "(a >= 1 or b <= 2 or c = 3 or d > 4 or e < 5)"],
  ["((a if b)and c)", "((a if b) and c)"],
];

/** [input, rpm's reason] for input rpm rejects whatever the dependency kind. */
const ERRORS: ReadonlyArray<readonly [string, string]> = [
  ["", "Rich dependency does not start with '('"],
  ["a and b", "Rich dependency does not start with '('"],
  ["(", "Name required"],
  ["(a and ", "Name required"],
  ["()", "Empty rich dependency"],
  ["( , )", "Empty rich dependency"],
  ["(a and)", "Missing argument to rich dependency op"],
  ["(a", "Unterminated rich dependency"],
  ["(a or b", "Unterminated rich dependency"],
  ["(a or (b and c)", "Unterminated rich dependency"],
  ["(a >=)", "Version required"],
  ["(a >= )", "Version required"],
  ["(a b)", "Unknown rich dependency op 'b'"],
  ["(a,b)", "Unknown rich dependency op 'b'"],
  ["(a and,b)", "Unknown rich dependency op 'and,b'"],
  ["(a AND b)", "Unknown rich dependency op 'AND'"],
  ["(a >=1.0)", "Unknown rich dependency op '>=1.0'"],
  ["(and b)", "Unknown rich dependency op 'b'"],
  ["(a and b or c)", "Cannot chain different ops"],
  ["(a if b or c)", "Cannot chain different ops"],
  ["(a if b if c)", "Can only chain and/or/with ops"],
  ["(a without b without c)", "Can only chain and/or/with ops"],
  ["(a if b else c else d)", "Can only chain and/or/with ops"],
  ["(a else b else c)", "Can only chain and/or/with ops"],
  ["(a with (b and c))", "Illegal ops in with/without"],
  ["((a and b) with c)", "Illegal ops in with/without"],
  ["(a without (b if c))", "Illegal ops in with/without"],
  ["(a with ((b and c) or d))", "Illegal ops in with/without"],
  ["(a and b)c", "Junk after rich dependency"],
  ["(a and b) ", "Junk after rich dependency"],
  ["(a)(b)", "Junk after rich dependency"],
];

/** [input, kind, accepted?] for rpmbuild's per-kind restrictions (none apply without a kind). */
const KIND_RULES: ReadonlyArray<readonly [string, DependencyKind, boolean]> = [
  ["(a unless b)", "requires", false],
  ["(a unless b)", "conflicts", true],
  ["(a unless b else c)", "recommends", false],
  ["(a or (b unless c))", "requires", true],
  ["(a and (b unless c))", "requires", false],
  ["(a and (b unless c))", "conflicts", false],
  ["(a if (b unless c))", "requires", true],
  ["(a if b)", "requires", true],
  ["(a if b)", "conflicts", false],
  ["(a if b)", "supplements", false],
  ["(a if b)", "enhances", false],
  ["(a if b)", "suggests", true],
  ["((a if b) or c)", "requires", false],
  ["((a if b) and c)", "requires", true],
  ["((a unless b) or c)", "requires", true],
  ["(a if b else (c with d))", "requires", true],
  ["(a if b else (c with d))", "conflicts", false],
  ["(a with (b or c))", "requires", true],
  ["(a or b)", "provides", false],
  ["(a or b)", "obsoletes", false],
];

function richError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isGroveError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a GroveError");
}

describe("parseRichDep", () => {
  it.each(TREES)("parses %j", (text, tree) => {
    expect(parseRichDep(text)).toEqual(tree);
    expect(formatRichDep(tree)).toBe(text);
  });

  it.each(NORMALISED)("formatRichDep(parseRichDep(%j)) = %j", (text, normal) => {
    expect(formatRichDep(parseRichDep(text))).toBe(normal);
    expect(formatRichDep(parseRichDep(normal))).toBe(normal);
  });

  it("formats the example of the docs", () => {
    expect(formatRichDep(parseRichDep("(foo => 1.0 or  bar)"))).toBe("(foo >= 1.0 or bar)");
  });

  it.each(ERRORS)("rejects %j: %s", (text, reason) => {
    for (const kind of [undefined, "requires", "conflicts"] as const) {
      const err = richError(() => parseRichDep(text, { kind }));
      expect(err.code).toBe("RPM_BAD_RICH_DEP");
      expect(err.message).toContain(reason);
      expect(err.message).toContain(JSON.stringify(text));
    }
  });

  it.each(KIND_RULES)("%j as %s: accepted = %s (always accepted without a kind)", (text, kind, accepted) => {
    if (accepted) expect(() => parseRichDep(text, { kind })).not.toThrow();
    else expect(richError(() => parseRichDep(text, { kind })).code).toBe("RPM_BAD_RICH_DEP");
    if (kind !== "provides" && kind !== "obsoletes") expect(() => parseRichDep(text)).not.toThrow();
  });

  it("names the source in errors", () => {
    const err = richError(() => parseRichDep("(a and b or c)", { source: "x-1.0-1.noarch.rpm" }));
    expect(err.message).toMatch(/^x-1\.0-1\.noarch\.rpm: bad rich dependency "\(a and b or c\)": Cannot chain/);
  });

  it("limits nesting instead of overflowing the stack", () => {
    const nested = (n: number) => `${"(".repeat(n)}a${")".repeat(n)}`;
    expect(() => parseRichDep(nested(MAX_RICH_DEP_DEPTH))).not.toThrow();
    expect(richError(() => parseRichDep(nested(MAX_RICH_DEP_DEPTH + 1))).message).toContain("nested deeper");
    expect(richError(() => parseRichDep("(".repeat(1_000_000))).code).toBe("RPM_BAD_RICH_DEP");
  });

  it("isRichDep is rpm's test: the name starts with '('", () => {
    expect(isRichDep("(a or b)")).toBe(true);
    expect(isRichDep("(")).toBe(true);
    expect(isRichDep("perl(Foo)")).toBe(false);
    expect(isRichDep("")).toBe(false);
    expect(isRichDep(" (a or b)")).toBe(false);
  });
});

describe.skipIf((!haveRpm || !realRpmsAvailable()) && !oracleRequired)("rich dependencies of real packages", () => {
  it("parses every rich dependency in the fixtures and formats it back unchanged", () => {
    const rich = realDependencies().deps.filter((d) => isRichDep(d.name));
    expect(rich.length).toBeGreaterThan(10);
    for (const d of rich) expect(formatRichDep(parseRichDep(d.name))).toBe(d.name);
  });
});

const TAG_KINDS: Record<SpecDependencyTag, DependencyKind> = {
  Requires: "requires",
  Conflicts: "conflicts",
  Recommends: "recommends",
  Suggests: "suggests",
  Supplements: "supplements",
  Enhances: "enhances",
};

/** Random rich dependencies: mostly well-formed trees, with every kind of op mix and some breakage. */
function generateRichDeps(count: number, seed: number): string[] {
  const rand = seededRandom(seed);
  const names = ["a", "b", "pkg-c", "perl(Foo::Bar)", "libc.so.6()(64bit)", "x_y"];
  const versions = ["", "", "", " >= 1.0", " => 2:1.0-1", " < 3", " == 1.0~rc1", " =< 1", " > 0", ">=1.0"];
  const ops = ["and", "or", "with", "without", "if", "unless", "else"];
  const space = (): string => pick(rand, [" ", " ", " ", "  ", "\t", " , "]);
  const operand = (depth: number): string =>
    depth >= 3 || rand() < 0.55 ? pick(rand, names) + pick(rand, versions) : group(depth + 1);
  const group = (depth: number): string => {
    const op = rand() < 0.08 ? "" : pick(rand, ops);
    let parts = [operand(depth)];
    if (op !== "") {
      const n = op === "and" || op === "or" || op === "with" ? 2 + Math.floor(rand() * 2) : 2;
      for (let k = 1; k < n; k++) parts.push(rand() < 0.1 ? pick(rand, ops) : op, operand(depth));
      if ((op === "if" || op === "unless") && rand() < 0.4) parts.push("else", operand(depth));
    }
    if (rand() < 0.03) parts = parts.slice(0, -1); // missing last operand
    return `(${rand() < 0.2 ? space() : ""}${parts.join(space())}${rand() < 0.2 ? space() : ""})`;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = group(0);
    if (rand() < 0.02) s = s.slice(0, -1); // unterminated
    out.push(s);
  }
  return out;
}

describe.skipIf(rpmPython === undefined && !oracleRequired)("parseRichDep against rpm 4.18's spec parser", () => {
  it("accepts and rejects what rpmbuild does, per dependency kind, and formats like rpmbuild", () => {
    const rand = seededRandom(99);
    const tags = Object.keys(TAG_KINDS) as SpecDependencyTag[];
    const fixed = [...TREES.map(([t]) => t), ...NORMALISED.map(([t]) => t), ...KIND_RULES.map(([t]) => t)];
    const cases: Array<readonly [SpecDependencyTag, string]> = [
      ...fixed.flatMap((t) => tags.map((tag) => [tag, t] as const)),
      ...ERRORS.filter(([t]) => t.startsWith("(") && !/\)./.test(t) && !t.endsWith(" ")).map(
        ([t]) => ["Requires", t] as const,
      ),
      ...generateRichDeps(700, 0x71c4).map((t) => [pick(rand, tags), t] as const),
    ];
    const answers = rpmOracleSpecRichDeps(cases);
    const rows = cases.map(([tag, text], k) => {
      let grove: string;
      try {
        grove = formatRichDep(parseRichDep(text, { kind: TAG_KINDS[tag] }));
      } catch (err) {
        if (!isGroveError(err) || err.code !== "RPM_BAD_RICH_DEP") throw err;
        grove = "(rejected)";
      }
      const answer = answers[k]!;
      return { tag, text, rpm: answer.ok ? answer.stored : "(rejected)", grove };
    });
    expect(rows.filter((r) => r.rpm !== r.grove)).toEqual([]);
    const accepted = rows.filter((r) => r.rpm !== "(rejected)").length;
    expect(accepted).toBeGreaterThan(300);
    expect(rows.length - accepted).toBeGreaterThan(200);
  });
});

if (rpmPython === undefined && !oracleRequired) {
  describe("rich dependency oracle", () => {
    it.skip(missingToolMessage("python3 with rpm's bindings (python3-rpm)"), () => {});
  });
}
