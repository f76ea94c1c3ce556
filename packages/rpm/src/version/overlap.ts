/**
 * Whether two versioned dependencies of the same name can match: rpm's `rpmdsCompareIndex` (lib/rpmds.c) and
 * `rpmverOverlap` (rpmio/rpmver.c).
 * @packageDocumentation
 */
import { type EVR, epochIsPositive, leadingDigitsEnd } from "./evr.js";
import { compareVersionSpans } from "./rpmvercmp.js";
import { RpmSense } from "./sense.js";

/** A dependency's version constraint: its `RPMSENSE_*` flags and its `[epoch:]version[-release]` (may be `""`). */
export interface VersionRange {
  /** `RPMSENSE_*` bits; only LESS/GREATER/EQUAL (and the mask bit 0) matter here. */
  flags: number;
  /** The EVR as written, `""` for an unversioned dependency. */
  evr: string;
}

const SENSEMASK = RpmSense.SENSEMASK;
const LESS = RpmSense.LESS;
const GREATER = RpmSense.GREATER;
const EQUAL = RpmSense.EQUAL;
const COLON = 0x3a;

/**
 * Whether the version ranges of two dependencies on the same name overlap, exactly as rpm decides when matching a
 * provide against a require (or a conflict, obsolete, ...). Names are not compared: the caller matches them first.
 *
 * - A side without comparison bits, or with an empty EVR, matches anything.
 * - Epochs: when both sides have one they are compared; otherwise a side with a positive epoch is newer
 *   (a missing epoch behaves as 0).
 * - When epochs and versions are equal and only one side has a (non-empty) release, the ranges overlap whenever
 *   the side **without** a release includes EQUAL, whatever the other side's operator: `foo = 2.0`, `foo <= 2.0`
 *   and `foo >= 2.0` all match `foo = 2.0-5`, and `foo = 2.0` even matches `foo > 2.0-1`. If that side has no
 *   EQUAL (`foo < 2.0`), the versions count as equal and the intervals below decide.
 * - Otherwise the two ranges (`<`, `<=`, `=`, `>=`, `>` around their EVRs) overlap as intervals.
 *
 * Allocation-free on strings.
 *
 * @example rangesOverlap({ flags: RpmSense.EQUAL, evr: "2.0" }, { flags: RpmSense.EQUAL, evr: "2.0-5" }) === true
 * @example rangesOverlap({ flags: RpmSense.LESS, evr: "2.0" }, { flags: RpmSense.EQUAL, evr: "2.0-5" }) === false
 */
export function rangesOverlap(a: VersionRange, b: VersionRange): boolean {
  const af = a.flags;
  const bf = b.flags;
  if ((af & SENSEMASK) === 0 || (bf & SENSEMASK) === 0) return true;
  const as = a.evr;
  const bs = b.evr;
  if (as.length === 0 || bs.length === 0) return true;

  // Split both EVRs in place (rpm's parseEVR): epoch = leading digits before ':', release after the last '-'.
  const aDigits = leadingDigitsEnd(as);
  const bDigits = leadingDigitsEnd(bs);
  const aHasEpoch = as.charCodeAt(aDigits) === COLON;
  const bHasEpoch = bs.charCodeAt(bDigits) === COLON;

  let sense = 0;
  if (aHasEpoch && bHasEpoch) {
    // An empty epoch (string starting with ':') is "0".
    sense = compareVersionSpans(
      aDigits === 0 ? "0" : as,
      0,
      aDigits === 0 ? 1 : aDigits,
      bDigits === 0 ? "0" : bs,
      0,
      bDigits === 0 ? 1 : bDigits,
    );
  } else if (aHasEpoch && epochIsPositive(as, 0, aDigits)) {
    sense = 1;
  } else if (bHasEpoch && epochIsPositive(bs, 0, bDigits)) {
    sense = -1;
  }

  if (sense === 0) {
    const aVersionStart = aHasEpoch ? aDigits + 1 : 0;
    const bVersionStart = bHasEpoch ? bDigits + 1 : 0;
    const aDash = as.lastIndexOf("-");
    const bDash = bs.lastIndexOf("-");
    const aHasRelease = aDash >= aVersionStart;
    const bHasRelease = bDash >= bVersionStart;
    sense = compareVersionSpans(
      as,
      aVersionStart,
      aHasRelease ? aDash : as.length,
      bs,
      bVersionStart,
      bHasRelease ? bDash : bs.length,
    );
    if (sense === 0) {
      // rpm only counts a release that is present and non-empty.
      const aRelease = aHasRelease && aDash + 1 < as.length;
      const bRelease = bHasRelease && bDash + 1 < bs.length;
      if (aRelease && bRelease) {
        sense = compareVersionSpans(as, aDash + 1, as.length, bs, bDash + 1, bs.length);
      } else if ((aRelease && (bf & EQUAL) !== 0) || (bRelease && (af & EQUAL) !== 0)) {
        return true;
      }
    }
  }
  return senseRangesOverlap(sense, af, bf);
}

/**
 * {@link rangesOverlap} on already split EVRs: rpm's `rpmverOverlap(a, aFlags, b, bFlags)` itself. Unlike
 * {@link rangesOverlap} it does not short-cut unversioned sides; pass split EVRs of non-empty strings.
 */
export function parsedRangesOverlap(a: EVR, aFlags: number, b: EVR, bFlags: number): boolean {
  const ae = a.epoch;
  const be = b.epoch;
  let sense = 0;
  if (ae !== undefined && ae !== "" && be !== undefined && be !== "") {
    sense = compareVersionSpans(ae, 0, ae.length, be, 0, be.length);
  } else if (ae !== undefined && ae !== "" && epochIsPositive(ae)) {
    sense = 1;
  } else if (be !== undefined && be !== "" && epochIsPositive(be)) {
    sense = -1;
  }
  if (sense === 0) {
    sense = compareVersionSpans(a.version, 0, a.version.length, b.version, 0, b.version.length);
    if (sense === 0) {
      const ar = a.release;
      const br = b.release;
      const aRelease = ar !== undefined && ar !== "";
      const bRelease = br !== undefined && br !== "";
      if (aRelease && bRelease) {
        sense = compareVersionSpans(ar, 0, ar.length, br, 0, br.length);
      } else if ((aRelease && (bFlags & EQUAL) !== 0) || (bRelease && (aFlags & EQUAL) !== 0)) {
        return true;
      }
    }
  }
  return senseRangesOverlap(sense, aFlags, bFlags);
}

/** Interval overlap of `a OP_a x` and `b OP_b y` given `sense` = sign(x - y). */
function senseRangesOverlap(sense: number, af: number, bf: number): boolean {
  if (sense < 0) return (af & GREATER) !== 0 || (bf & LESS) !== 0;
  if (sense > 0) return (af & LESS) !== 0 || (bf & GREATER) !== 0;
  return (af & bf & (EQUAL | LESS | GREATER)) !== 0;
}
