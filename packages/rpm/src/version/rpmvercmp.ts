/**
 * rpm's version segment comparison (`rpmvercmp`, rpmio/rpmvercmp.c), as an allocation-free scan.
 * @packageDocumentation
 */

/** The result of a comparison: negative when the left side is older, 0 when equal, positive when newer. */
export type Comparison = -1 | 0 | 1;

const SEPARATOR = 0;
const DIGIT = 1;
const ALPHA = 2;
const TILDE = 3;
const CARET = 4;

/** Character class per ASCII code; every other code unit (incl. non-ASCII) is a separator, as in rpm. */
const CLASS = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = DIGIT;
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = ALPHA;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = ALPHA;
CLASS[0x7e] = TILDE;
CLASS[0x5e] = CARET;

const ZERO = 0x30;

function classOf(code: number): number {
  return code < 128 ? CLASS[code]! : SEPARATOR;
}

/**
 * Compare two version strings the way rpm does (`rpmvercmp`).
 *
 * The strings are cut into runs of ASCII digits and runs of ASCII letters; anything else separates runs and is
 * otherwise ignored. Runs are compared in turn: numbers numerically (leading zeros ignored, any length), letters
 * bytewise, and a number is newer than letters. `~` sorts before everything, even the end of the string
 * (`1.0~rc1 < 1.0`); `^` sorts after the end but before anything else (`1.0 < 1.0^git1 < 1.0.1`). When all runs
 * compare equal, the string with characters left over is newer.
 *
 * @returns -1 when `a` is older than `b`, 0 when they are the same version, 1 when `a` is newer.
 * @example rpmvercmp("1.0~rc1", "1.0") === -1; rpmvercmp("2.0.1a", "2.0.1") === 1; rpmvercmp("1.0010", "1.10") === 0
 */
export function rpmvercmp(a: string, b: string): Comparison {
  if (a === b) return 0;
  return compareVersionSpans(a, 0, a.length, b, 0, b.length);
}

/**
 * {@link rpmvercmp} on `a[aStart, aEnd)` and `b[bStart, bEnd)`, without slicing the strings.
 * @internal
 */
export function compareVersionSpans(
  a: string,
  aStart: number,
  aEnd: number,
  b: string,
  bStart: number,
  bEnd: number,
): Comparison {
  let i = aStart;
  let j = bStart;
  while (i < aEnd || j < bEnd) {
    // Skip separators; past the end the class reads as SEPARATOR (and `i >= aEnd` tells the two apart).
    let ca = SEPARATOR;
    for (; i < aEnd; i++) {
      ca = classOf(a.charCodeAt(i));
      if (ca !== SEPARATOR) break;
    }
    let cb = SEPARATOR;
    for (; j < bEnd; j++) {
      cb = classOf(b.charCodeAt(j));
      if (cb !== SEPARATOR) break;
    }

    // `~` sorts before everything else, including the end of the string.
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // `^` sorts after the end of the string but before anything else.
    if (ca === CARET || cb === CARET) {
      if (i >= aEnd) return -1;
      if (j >= bEnd) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= aEnd || j >= bEnd) break;

    let ei = i + 1;
    let ej = j;
    if (ca === DIGIT) {
      while (ei < aEnd && classOf(a.charCodeAt(ei)) === DIGIT) ei++;
      while (ej < bEnd && classOf(b.charCodeAt(ej)) === DIGIT) ej++;
      // A number is newer than letters.
      if (ej === j) return 1;
      while (i < ei && a.charCodeAt(i) === ZERO) i++;
      while (j < ej && b.charCodeAt(j) === ZERO) j++;
      const lenA = ei - i;
      const lenB = ej - j;
      if (lenA !== lenB) return lenA > lenB ? 1 : -1;
      for (; i < ei; i++, j++) {
        const d = a.charCodeAt(i) - b.charCodeAt(j);
        if (d !== 0) return d < 0 ? -1 : 1;
      }
    } else {
      while (ei < aEnd && classOf(a.charCodeAt(ei)) === ALPHA) ei++;
      while (ej < bEnd && classOf(b.charCodeAt(ej)) === ALPHA) ej++;
      if (ej === j) return -1;
      const lenA = ei - i;
      const lenB = ej - j;
      const common = Math.min(lenA, lenB);
      for (let k = 0; k < common; k++) {
        const d = a.charCodeAt(i + k) - b.charCodeAt(j + k);
        if (d !== 0) return d < 0 ? -1 : 1;
      }
      if (lenA !== lenB) return lenA < lenB ? -1 : 1;
    }
    i = ei;
    j = ej;
  }
  // All runs equal: whichever still has characters left is newer (separators alone were skipped above).
  if (i >= aEnd && j >= bEnd) return 0;
  return i >= aEnd ? -1 : 1;
}
