import { RpmSense } from "@grove/rpm";

const COMPARISON: Readonly<Record<string, number>> = {
  EQ: RpmSense.EQUAL,
  LT: RpmSense.LESS,
  GT: RpmSense.GREATER,
  LE: RpmSense.LESS | RpmSense.EQUAL,
  GE: RpmSense.GREATER | RpmSense.EQUAL,
};

/**
 * The `RPMSENSE_*` bits of a metadata `flags` attribute (`EQ`, `LT`, `GT`, `LE`, `GE`), or `undefined`
 * for an unknown word. (A `pre="1"` attribute adds `RpmSense.PREREQ`.)
 *
 * @param word - the attribute value
 */
export function comparisonFlags(word: string): number | undefined {
  return COMPARISON[word];
}

/**
 * The `[epoch:]version[-release]` text of a dependency or package version, as `rpm -q --provides`
 * prints it: an epoch of `0` (or none) is left out.
 *
 * @param epoch - epoch text, `undefined` when absent
 * @param version - version text, `undefined` when absent
 * @param release - release text, `undefined` when absent
 */
export function formatEvr(epoch: string | undefined, version: string | undefined, release: string | undefined): string {
  let out = epoch !== undefined && epoch !== "" && !/^0+$/.test(epoch) ? `${epoch}:` : "";
  if (version !== undefined) out += version;
  if (release !== undefined && release !== "") out += `-${release}`;
  return out;
}
