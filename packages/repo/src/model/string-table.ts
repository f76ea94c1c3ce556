import { Uint32Vector } from "./vectors.js";

/**
 * Strings addressed by small integer ids, stored compactly: either as an array, or as one joined
 * string plus offsets from which each string is cut on first use (how the cache loads them, so
 * loading does not create hundreds of thousands of strings up front). Id 0 is the empty string in
 * tables made by a {@link StringPool}.
 *
 * {@link StringTable.lookup} finds the id of a string through an open-addressing hash table
 * (FNV-1a over UTF-16 code units), built on first use or loaded with the cache.
 */
export class StringTable {
  /** Number of strings (ids run from 0 to `size - 1`). */
  readonly size: number;
  private readonly cache: Array<string | undefined>;
  private readonly joined: string;
  private readonly starts: Uint32Array | undefined;
  private hashSlots: Int32Array | undefined;

  private constructor(size: number, cache: Array<string | undefined>, joined: string, starts?: Uint32Array) {
    this.size = size;
    this.cache = cache;
    this.joined = joined;
    this.starts = starts;
  }

  /**
   * A table over `strings` (kept, not copied).
   *
   * @param strings - the strings by id
   */
  static fromArray(strings: string[]): StringTable {
    return new StringTable(strings.length, strings, "");
  }

  /**
   * A table over the strings concatenated in `joined`, string `i` having length `lengths[i]`
   * (UTF-16 code units). Strings are cut from `joined` when first asked for.
   *
   * @param joined - all strings concatenated in id order
   * @param lengths - each string's length
   * @param hashSlots - a hash index from {@link StringTable.hashIndex} of an equal table, if stored
   * @returns the table, or `undefined` when the lengths do not add up to `joined.length`
   */
  static fromJoined(joined: string, lengths: Uint32Array, hashSlots?: Int32Array): StringTable | undefined {
    const starts = new Uint32Array(lengths.length + 1);
    let at = 0;
    for (let i = 0; i < lengths.length; i++) {
      at += lengths[i] as number;
      starts[i + 1] = at;
    }
    if (at !== joined.length) return undefined;
    const table = new StringTable(lengths.length, new Array<string | undefined>(lengths.length), joined, starts);
    if (hashSlots !== undefined && isPowerOfTwo(hashSlots.length) && hashSlots.length >= lengths.length) {
      table.hashSlots = hashSlots;
    }
    return table;
  }

  /**
   * The string with id `id` (`""` for an id out of range).
   *
   * @param id - a string id from this table
   */
  get(id: number): string {
    let text = this.cache[id];
    if (text === undefined) {
      if (this.starts === undefined || id < 0 || id >= this.size) return "";
      text = this.joined.slice(this.starts[id], this.starts[id + 1]);
      this.cache[id] = text;
    }
    return text;
  }

  /**
   * The (lowest) id of `text`, or `undefined` when the table does not hold it.
   *
   * @param text - the string to look up
   */
  lookup(text: string): number | undefined {
    const slots = this.hashIndex();
    const mask = slots.length - 1;
    for (let slot = hashString(text) & mask; ; slot = (slot + 1) & mask) {
      const id = slots[slot] as number;
      if (id < 0) return undefined;
      if (this.get(id) === text) return id;
    }
  }

  /**
   * The strings concatenated and their lengths, without materialising them, when the table was made
   * by {@link StringTable.fromJoined}; `undefined` otherwise.
   */
  joinedForm(): { joined: string; lengths: Uint32Array } | undefined {
    const starts = this.starts;
    if (starts === undefined) return undefined;
    const lengths = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) lengths[i] = (starts[i + 1] as number) - (starts[i] as number);
    return { joined: this.joined, lengths };
  }

  /** Every string, in id order (materialises them all). */
  toArray(): string[] {
    const out = new Array<string>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.get(i);
    return out;
  }

  /**
   * The hash index: a power-of-two array of ids (-1 = empty slot), at least twice the table size,
   * probed linearly from `hash(text) & (length - 1)`. Built on first use.
   */
  hashIndex(): Int32Array {
    if (this.hashSlots === undefined) {
      let capacity = 16;
      while (capacity < this.size * 2) capacity *= 2;
      const slots = new Int32Array(capacity).fill(-1);
      const mask = capacity - 1;
      for (let id = 0; id < this.size; id++) {
        let slot = hashString(this.get(id)) & mask;
        while ((slots[slot] as number) >= 0) slot = (slot + 1) & mask;
        slots[slot] = id;
      }
      this.hashSlots = slots;
    }
    return this.hashSlots;
  }
}

/** Slots of {@link StringPool}'s memo, minus one. */
const MEMO_MASK = (1 << 14) - 1;

/**
 * Interns strings while metadata is parsed: equal strings get one id. Id 0 is `""`.
 */
export class StringPool {
  private readonly strings: string[] = [""];
  private readonly ids = new Map<string, number>([["", 0]]);
  private readonly memoText: Array<string | undefined> = new Array(MEMO_MASK + 1);
  private readonly memoId = new Int32Array(MEMO_MASK + 1);

  /** Number of distinct strings so far. */
  get size(): number {
    return this.strings.length;
  }

  /**
   * The id of `text`, adding it when new.
   *
   * @param text - the string to intern
   */
  intern(text: string): number {
    // A direct-mapped memo in front of the Map: repeated strings (dependency names, versions) are
    // usually found here from a few characters, without a probe into the large Map.
    const slot = sampleHash(text) & MEMO_MASK;
    if (this.memoText[slot] === text) return this.memoId[slot] as number;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    this.memoText[slot] = text;
    this.memoId[slot] = id;
    return id;
  }

  /**
   * The string with id `id`.
   *
   * @param id - an id returned by {@link StringPool.intern}
   */
  get(id: number): string {
    return this.strings[id] ?? "";
  }

  /** The finished table (the pool must not be used afterwards). */
  finish(): StringTable {
    return StringTable.fromArray(this.strings);
  }
}

/**
 * Strings that are rarely equal (summaries, checksums, locations), kept without interning. Id 0 is `""`.
 */
export class TextList {
  // Kept as a few long strings (joined every BLOCK additions) and lengths rather than one string per
  // entry: hundreds of thousands of small strings would each survive a young-generation GC.
  private readonly blocks: string[] = [];
  private readonly pending: string[] = [];
  private readonly lengths = new Uint32Vector();

  constructor() {
    this.lengths.push(0);
  }

  /**
   * Append `text`, returning its id (`""` always has id 0).
   *
   * @param text - the string
   */
  add(text: string): number {
    if (text === "") return 0;
    this.pending.push(text);
    if (this.pending.length === TEXT_BLOCK) {
      this.blocks.push(this.pending.join(""));
      this.pending.length = 0;
    }
    this.lengths.push(text.length);
    return this.lengths.length - 1;
  }

  /** The finished table. */
  finish(): StringTable {
    this.blocks.push(this.pending.join(""));
    this.pending.length = 0;
    return StringTable.fromJoined(this.blocks.join(""), this.lengths.toArray()) as StringTable;
  }
}

/** Texts joined into one string at a time by {@link TextList}. */
const TEXT_BLOCK = 2048;

/**
 * A cheap hash of `text` from its length and four of its characters (for direct-mapped memos, where
 * a collision only costs a slower lookup).
 *
 * @param text - the string (`undefined` hashes to 0)
 */
export function sampleHash(text: string | undefined): number {
  if (text === undefined) return 0;
  const n = text.length;
  if (n === 0) return 1;
  return (
    (Math.imul(Math.imul(Math.imul(n, 31) + text.charCodeAt(0), 31) + text.charCodeAt(n >> 1), 31) +
      text.charCodeAt(n - 1) +
      text.charCodeAt(n >> 2)) |
    0
  );
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * FNV-1a over the UTF-16 code units of `text`, as a non-negative 31-bit integer.
 *
 * @param text - the string to hash
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x7fffffff;
}
