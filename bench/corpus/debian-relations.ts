/**
 * Parsing Debian relation fields (`Depends`, `Pre-Depends`, `Provides`, `Conflicts`, `Breaks`, ...).
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";

/** A Debian version operator (the obsolete `<` and `>` are read as `<=` and `>=`, as dpkg does). */
export type DebianOperator = "<<" | "<=" | "=" | ">=" | ">>";

/** One relation: `name[:arch] [(op version)]`. */
export interface DebianRelation {
  /** Package (or virtual package) name. */
  name: string;
  /** `op` of the version constraint, when there is one. */
  operator: DebianOperator | undefined;
  /** Debian version of the constraint, when there is one. */
  version: string | undefined;
}

/** A comma-separated item: one or more alternatives joined by `|`. */
export type DebianAlternatives = DebianRelation[];

const RELATION =
  /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^()\s]+)\s*\))?\s*(?:\[[^\]]*\]\s*)?(?:<[^>]*>\s*)*$/;

const OBSOLETE_OPERATORS: Readonly<Record<string, DebianOperator>> = { "<": "<=", ">": ">=" };

/** Parse one relation such as `libc6 (>= 2.34)` or `python3:any`. */
function parseRelation(text: string, field: string, subject: string): DebianRelation {
  const match = RELATION.exec(text.trim());
  if (match === null) {
    throw new GroveError("CORPUS_BAD_RELATION", `${subject}: ${field} has an unreadable relation "${text.trim()}"`, {
      subject,
    });
  }
  const [, name = "", op, version] = match;
  const operator = op === undefined ? undefined : (OBSOLETE_OPERATORS[op] ?? (op as DebianOperator));
  return { name, operator, version };
}

/**
 * Parse a relation field into its comma-separated items, each a list of `|` alternatives.
 * Arch qualifiers (`:any`, `:native`) are dropped: the corpus has one architecture.
 *
 * @param text - the field's value (may span folded lines)
 * @param field - the field's name, for messages
 * @param subject - the package the field belongs to, for messages
 * @throws GroveError `CORPUS_BAD_RELATION` when an item cannot be read.
 */
export function parseRelationField(text: string | undefined, field: string, subject: string): DebianAlternatives[] {
  if (text === undefined || text.trim() === "") return [];
  const items: DebianAlternatives[] = [];
  for (const item of text.split(",")) {
    if (item.trim() === "") continue;
    items.push(item.split("|").map((alt) => parseRelation(alt, field, subject)));
  }
  return items;
}
