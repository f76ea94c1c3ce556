/**
 * `[epoch:]version[-release]` strings: splitting them as rpm's `parseEVR` does and ordering them as `rpmverCmp`.
 * @packageDocumentation
 */
import { type Comparison, compareVersionSpans } from "./rpmvercmp.js";

/** An EVR split into its parts, as rpm's `parseEVR` splits it. */
export interface EVR {
  /**
   * The digits before the first `:`, or `undefined` when the string does not start with digits followed by `:`.
   * A string starting with `:` has epoch `"0"`.
   */
  epoch: string | undefined;
  /** Everything between the epoch and the release (may be empty). */
  version: string;
  /** Everything after the last `-`, or `undefined` when there is no `-` (may be empty: `1.0-`). */
  release: string | undefined;
}

const COLON = 0x3a;
const DASH = 0x2d;

/** Index just past the leading ASCII digits of `s`. @internal */
export function leadingDigitsEnd(s: string): number {
  let i = 0;
  for (;;) {
    const c = s.charCodeAt(i); // NaN past the end: fails the test
    if (!(c >= 0x30 && c <= 0x39)) return i;
    i++;
  }
}

/**
 * Split `[epoch:]version[-release]` exactly as rpm's `parseEVR`: the epoch is taken only when the string starts
 * with (possibly zero) digits followed by `:` (an empty epoch becomes `"0"`); the release is what follows the
 * **last** `-`.
 *
 * @example parseEVR("1:2.0-3.fc40") // { epoch: "1", version: "2.0", release: "3.fc40" }
 * @example parseEVR("a:1-2-3") // { epoch: undefined, version: "a:1-2", release: "3" }
 */
export function parseEVR(s: string): EVR {
  const digitsEnd = leadingDigitsEnd(s);
  const hasEpoch = s.charCodeAt(digitsEnd) === COLON;
  const versionStart = hasEpoch ? digitsEnd + 1 : 0;
  const dash = s.lastIndexOf("-");
  const hasRelease = dash >= versionStart;
  return {
    epoch: hasEpoch ? (digitsEnd === 0 ? "0" : s.slice(0, digitsEnd)) : undefined,
    version: s.slice(versionStart, hasRelease ? dash : s.length),
    release: hasRelease ? s.slice(dash + 1) : undefined,
  };
}

/** Join an {@link EVR} back into rpm's text form (`rpmverEVR`): `epoch:` and `-release` only when present. */
export function formatEVR(evr: EVR): string {
  let out = evr.epoch === undefined ? evr.version : `${evr.epoch}:${evr.version}`;
  if (evr.release !== undefined) out += `-${evr.release}`;
  return out;
}

/**
 * Order two EVR strings as rpm does (`rpmverCmp`, what `rpm.vercmp()` in rpm's Lua and `rpm.labelCompare` in its
 * Python bindings use; for package headers it agrees with `rpmVersionCompare`): epochs first (a missing epoch is
 * 0), then versions, then releases with {@link rpmvercmp}, where a missing release is older than any release.
 *
 * Allocation-free: the parts are compared in place.
 *
 * @example compareEVR("1:1.0-1", "2.0-1") === 1; compareEVR("1.0", "1.0-1") === -1
 */
export function compareEVR(a: string, b: string): Comparison {
  if (a === b) return 0;
  const aDigits = leadingDigitsEnd(a);
  const bDigits = leadingDigitsEnd(b);
  const aHasEpoch = a.charCodeAt(aDigits) === COLON;
  const bHasEpoch = b.charCodeAt(bDigits) === COLON;
  // A missing or empty epoch is "0".
  const aEpochEnd = aHasEpoch && aDigits > 0 ? aDigits : 0;
  const bEpochEnd = bHasEpoch && bDigits > 0 ? bDigits : 0;
  let rc = compareVersionSpans(
    aEpochEnd === 0 ? "0" : a,
    0,
    aEpochEnd === 0 ? 1 : aEpochEnd,
    bEpochEnd === 0 ? "0" : b,
    0,
    bEpochEnd === 0 ? 1 : bEpochEnd,
  );
  if (rc !== 0) return rc;

  const aVersionStart = aHasEpoch ? aDigits + 1 : 0;
  const bVersionStart = bHasEpoch ? bDigits + 1 : 0;
  const aDash = a.lastIndexOf("-");
  const bDash = b.lastIndexOf("-");
  const aHasRelease = aDash >= aVersionStart;
  const bHasRelease = bDash >= bVersionStart;
  rc = compareVersionSpans(
    a,
    aVersionStart,
    aHasRelease ? aDash : a.length,
    b,
    bVersionStart,
    bHasRelease ? bDash : b.length,
  );
  if (rc !== 0) return rc;
  if (!aHasRelease || !bHasRelease) return aHasRelease ? 1 : bHasRelease ? -1 : 0;
  return compareVersionSpans(a, aDash + 1, a.length, b, bDash + 1, b.length);
}

/**
 * {@link compareEVR} on already split EVRs (`rpmverCmp`): a missing epoch is `"0"`, a missing release is older
 * than any release, the parts are compared with {@link rpmvercmp}.
 */
export function compareParsedEVR(a: EVR, b: EVR): Comparison {
  const ae = a.epoch ?? "0";
  const be = b.epoch ?? "0";
  let rc = compareVersionSpans(ae, 0, ae.length, be, 0, be.length);
  if (rc !== 0) return rc;
  rc = compareVersionSpans(a.version, 0, a.version.length, b.version, 0, b.version.length);
  if (rc !== 0) return rc;
  if (a.release === undefined || b.release === undefined) {
    return a.release !== undefined ? 1 : b.release !== undefined ? -1 : 0;
  }
  return compareVersionSpans(a.release, 0, a.release.length, b.release, 0, b.release.length);
}

/** Whether an epoch string counts as positive for rpm (`atol(epoch) > 0`). @internal */
export function epochIsPositive(epoch: string, start = 0, end: number = epoch.length): boolean {
  let i = start;
  // atol: leading white space, an optional sign, then digits.
  while (i < end) {
    const c = epoch.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) i++;
    else break;
  }
  let negative = false;
  const sign = epoch.charCodeAt(i);
  if (i < end && (sign === 0x2b || sign === DASH)) {
    negative = sign === DASH;
    i++;
  }
  for (; i < end; i++) {
    const c = epoch.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
    if (c !== 0x30) return !negative;
  }
  return false;
}
