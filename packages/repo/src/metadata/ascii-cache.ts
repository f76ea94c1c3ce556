import type { Bytes } from "./xml-chars.js";

/**
 * A direct-mapped cache of short ASCII strings keyed by their bytes, so a name or value that repeats
 * is one string instead of a new one each time. Each slot keeps the hash, length and a copy of the
 * bytes in flat typed arrays: a lookup compares contiguous memory and touches the string only on a hit.
 */
export class AsciiCache {
  /** Longest string cached (longer ones are decoded every time). */
  readonly maxLength: number;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly lengths: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly strings: Array<string | undefined>;
  private readonly internalize: boolean;

  /**
   * @param slots - number of slots (a power of two)
   * @param maxLength - longest string cached
   * @param internalize - give out V8's internalized copy of each string (the one a string literal in
   *   the code is): comparing it with a literal (`name === "rpm:entry"`) is then a pointer comparison.
   *   For the few distinct element and attribute names, not for values.
   */
  constructor(slots: number, maxLength: number, internalize = false) {
    this.maxLength = maxLength;
    this.internalize = internalize;
    this.mask = slots - 1;
    this.hashes = new Int32Array(slots);
    this.lengths = new Int32Array(slots).fill(-1);
    this.bytes = new Uint8Array(slots * maxLength);
    this.strings = new Array<string | undefined>(slots);
  }

  /**
   * The string of the ASCII bytes `source[start, end)` (at most `maxLength` of them).
   *
   * @param source - the buffer
   * @param start - first byte
   * @param end - byte after the last
   * @param hash - a hash of the bytes (any 32-bit mix; equal bytes must give equal hashes)
   */
  get(source: Bytes, start: number, end: number, hash: number): string {
    const slot = (hash ^ (hash >>> 13)) & this.mask;
    const length = end - start;
    const base = slot * this.maxLength;
    const bytes = this.bytes;
    if (this.hashes[slot] === hash && this.lengths[slot] === length) {
      let i = 0;
      while (i < length && bytes[base + i] === source[start + i]) i++;
      if (i === length) return this.strings[slot] as string;
    }
    let text = source.latin1Slice(start, end);
    // Property keys are internalized: the key of a one-property object is the internalized string.
    if (this.internalize) text = Object.keys({ [text]: 0 })[0] as string;
    this.hashes[slot] = hash;
    this.lengths[slot] = length;
    for (let i = 0; i < length; i++) bytes[base + i] = source[start + i] as number;
    this.strings[slot] = text;
    return text;
  }
}
