/**
 * rpm's RPMSENSE_* bits as they appear in repository metadata. The comparison bits are the same
 * as in an RPM header (`@grove/rpm`'s `Dependency.flags`).
 */
export const DepFlag = {
  /** RPMSENSE_LESS. */
  less: 1 << 1,
  /** RPMSENSE_GREATER. */
  greater: 1 << 2,
  /** RPMSENSE_EQUAL. */
  equal: 1 << 3,
  /** RPMSENSE_PREREQ: the metadata's `pre="1"` (needed by install-time scriptlets). */
  prereq: 1 << 6,
} as const;

/** The comparison bits of a flags value (`less | greater | equal`). */
export const DEP_SENSE_MASK = DepFlag.less | DepFlag.greater | DepFlag.equal;

const COMPARISON: Readonly<Record<string, number>> = {
  EQ: DepFlag.equal,
  LT: DepFlag.less,
  GT: DepFlag.greater,
  LE: DepFlag.less | DepFlag.equal,
  GE: DepFlag.greater | DepFlag.equal,
};

/**
 * The flag bits of a metadata `flags` attribute (`EQ`, `LT`, `GT`, `LE`, `GE`), or `undefined` for
 * an unknown word.
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
