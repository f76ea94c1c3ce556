import { RpmSense } from "@grove/rpm/version";

/**
 * The `RPMSENSE_*` bits of a metadata `flags` attribute (`EQ`, `LT`, `GT`, `LE`, `GE`), or `undefined`
 * for an unknown word. (A `pre="1"` attribute adds `RpmSense.PREREQ`.)
 *
 * @param word - the attribute value
 */
export function comparisonFlags(word: string): number | undefined {
  // A switch on the few known words is cheaper than a keyed lookup (this runs for every dependency).
  switch (word) {
    case "EQ":
      return RpmSense.EQUAL;
    case "GE":
      return RpmSense.GREATER | RpmSense.EQUAL;
    case "LE":
      return RpmSense.LESS | RpmSense.EQUAL;
    case "LT":
      return RpmSense.LESS;
    case "GT":
      return RpmSense.GREATER;
    default:
      return undefined;
  }
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
  let out = epoch === undefined || epoch === "" || epoch === "0" || /^0+$/.test(epoch) ? "" : `${epoch}:`;
  if (version !== undefined) out += version;
  if (release !== undefined && release !== "") out += `-${release}`;
  return out;
}
