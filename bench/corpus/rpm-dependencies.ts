/**
 * Debian relations as RPM dependencies: operators, always-released versions and rich `(a or b)` alternatives.
 * @packageDocumentation
 */
import type { DebianAlternatives, DebianOperator, DebianRelation } from "./debian-relations.js";
import { debianVersionToRpm, formatEvr, type RpmEvr } from "./debian-version.js";

/** An RPM comparison operator as written in a spec file. */
export type RpmOperator = "<" | "<=" | "=" | ">=" | ">";

/** An rpm-md `flags` attribute value for each operator. */
export const RPMMD_FLAGS: Readonly<Record<RpmOperator, string>> = {
  "<": "LT",
  "<=": "LE",
  "=": "EQ",
  ">=": "GE",
  ">": "GT",
};

const OPERATORS: Readonly<Record<DebianOperator, RpmOperator>> = {
  "<<": "<",
  "<=": "<=",
  "=": "=",
  ">=": ">=",
  ">>": ">",
};

/** One simple RPM dependency: a name with an optional versioned constraint. */
export interface RpmDependency {
  /** Capability name. */
  name: string;
  /** Operator, when versioned. */
  operator: RpmOperator | undefined;
  /** Version with a release, when versioned. */
  evr: RpmEvr | undefined;
}

/**
 * A requirement: one dependency, or several alternatives that become an RPM rich dependency `(a or b)`.
 * Never empty.
 */
export type RpmRequirement = readonly RpmDependency[];

/** Rewrites the EVR of a versioned relation (the update builder bumps relations on packages it rebuilds). */
export type EvrRewrite = (name: string, operator: RpmOperator, evr: RpmEvr) => RpmEvr;

/**
 * Convert one Debian relation. The version always gets a release (`0` when Debian gives no revision): RPM ignores
 * the release when a dependency omits it, so `foo (<< 1.2)` would otherwise reject `foo 1.2-5` differently from dpkg.
 */
export function toRpmDependency(relation: DebianRelation, rewrite?: EvrRewrite): RpmDependency {
  if (relation.operator === undefined || relation.version === undefined) {
    return { name: relation.name, operator: undefined, evr: undefined };
  }
  const operator = OPERATORS[relation.operator];
  const evr = debianVersionToRpm(relation.version);
  return { name: relation.name, operator, evr: rewrite === undefined ? evr : rewrite(relation.name, operator, evr) };
}

/** Convert a Debian `a | b` item; duplicate alternatives are dropped. */
export function toRpmRequirement(alternatives: DebianAlternatives, rewrite?: EvrRewrite): RpmRequirement {
  const out: RpmDependency[] = [];
  const seen = new Set<string>();
  for (const relation of alternatives) {
    const dep = toRpmDependency(relation, rewrite);
    const key = formatDependency(dep);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(dep);
  }
  return out;
}

/** `name`, or `name op [epoch:]version-release`. */
export function formatDependency(dep: RpmDependency): string {
  if (dep.operator === undefined || dep.evr === undefined) return dep.name;
  return `${dep.name} ${dep.operator} ${formatEvr(dep.evr)}`;
}

/** A requirement as spec text: a plain dependency, or a rich dependency `(a or b or c)`. */
export function formatRequirement(requirement: RpmRequirement): string {
  if (requirement.length === 1 && requirement[0] !== undefined) return formatDependency(requirement[0]);
  return `(${requirement.map(formatDependency).join(" or ")})`;
}
