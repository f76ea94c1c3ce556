import type { Header } from "./header.js";
import { headerCorrupt } from "./header-errors.js";
import { tagName } from "./tags.js";

/**
 * Strings of a per-item tag (one value per file, dependency, ...): `undefined` when absent,
 * `RPM_HEADER_CORRUPT` when present with a count other than `expected`.
 */
export function stringsFor(header: Header, tag: number, expected: number, what: string): string[] | undefined {
  const values = header.getStrings(tag);
  if (values !== undefined && values.length !== expected)
    throw countMismatch(header, tag, values.length, expected, what);
  return values;
}

/**
 * Integers of a per-item tag: `undefined` when absent, `RPM_HEADER_CORRUPT` when present with a count
 * other than `expected`.
 */
export function numbersFor(header: Header, tag: number, expected: number, what: string): number[] | undefined {
  const values = header.getNumbers(tag);
  if (values !== undefined && values.length !== expected)
    throw countMismatch(header, tag, values.length, expected, what);
  return values;
}

function countMismatch(header: Header, tag: number, actual: number, expected: number, what: string): Error {
  return headerCorrupt(header.subject, `${tagName(tag)} has ${actual} values for ${expected} ${what}`);
}
