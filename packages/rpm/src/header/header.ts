import { decodeHeaderString } from "./decode-string.js";
import { headerCorrupt } from "./header-errors.js";
import { isStringType, TagType, tagName } from "./tags.js";

/** One index entry of a header, already checked against the data area. */
export interface HeaderEntry {
  /** Tag number. */
  readonly tag: number;
  /** Data type ({@link TagType}). */
  readonly type: number;
  /** Offset of the data in the data area. */
  readonly offset: number;
  /** Number of values (1 for STRING, number of bytes for BIN). */
  readonly count: number;
  /** Length of the data in bytes (strings include their NUL terminators). */
  readonly length: number;
}

/** The immutable region of a v4+ header: the entries and data covered by the header digests and signatures. */
export interface HeaderRegion {
  /** 62 (HEADERSIGNATURES) for a signature header, 63 (HEADERIMMUTABLE) for a main header. */
  readonly tag: number;
  /** Number of index entries in the region (the first `indexCount` entries). */
  readonly indexCount: number;
  /** Number of data bytes in the region (the first `dataLength` bytes of the data area). */
  readonly dataLength: number;
}

/** Which header of a package a {@link Header} is. */
export type HeaderKind = "signature" | "header";

/** What {@link Header} is built from; produced by `parseHeaderBlob`. */
export interface HeaderInit {
  /** The header without its 8-byte magic: `il`, `dl`, the index and the data area. */
  blob: Uint8Array;
  /** Index entries, in file order. */
  entries: HeaderEntry[];
  /** The immutable region, absent for v3 headers. */
  region: HeaderRegion | undefined;
  /** File name for messages. */
  subject: string;
  /** Signature or main header. */
  kind: HeaderKind;
}

/**
 * A parsed, bounds-checked RPM header (signature or main header) with typed getters.
 *
 * Getters return `undefined` when the tag is absent and throw `RPM_HEADER_CORRUPT` when the tag exists
 * with a type that cannot give what was asked (e.g. {@link Header.getNumber} on a string tag).
 * Strings are decoded as UTF-8 when valid, else ISO-8859-1; I18NSTRING values give the first (`C` locale) string.
 */
export class Header {
  /** The header exactly as stored, without the 8-byte magic: `il`, `dl`, index, data (the rpmdb blob format). */
  readonly blob: Uint8Array;
  /** Index entries in file order (the region entry first when there is one). */
  readonly entries: readonly HeaderEntry[];
  /** The immutable region; `undefined` for v3 headers. */
  readonly region: HeaderRegion | undefined;
  /** File name used in messages. */
  readonly subject: string;
  /** Signature header or main header. */
  readonly kind: HeaderKind;

  private readonly byTag = new Map<number, HeaderEntry>();
  private readonly data: Uint8Array;
  private readonly view: DataView;
  private readonly stringCache = new Map<number, string[]>();

  /** Use `parseHeaderBlob` to build one from bytes; this constructor trusts its input. */
  constructor(init: HeaderInit) {
    this.blob = init.blob;
    this.entries = init.entries;
    this.region = init.region;
    this.subject = init.subject;
    this.kind = init.kind;
    for (const entry of init.entries) {
      if (!this.byTag.has(entry.tag)) this.byTag.set(entry.tag, entry);
    }
    const dataStart = 8 + 16 * init.entries.length;
    this.data = init.blob.subarray(dataStart);
    this.view = new DataView(this.data.buffer, this.data.byteOffset, this.data.byteLength);
  }

  /** All tag numbers present, in index order (duplicates removed). */
  get tags(): number[] {
    return [...this.byTag.keys()];
  }

  /** True when the tag is present. */
  has(tag: number): boolean {
    return this.byTag.has(tag);
  }

  /** The index entry of a tag (the first one if it occurs twice). */
  entry(tag: number): HeaderEntry | undefined {
    return this.byTag.get(tag);
  }

  /** Number of values of a tag, 0 when absent. */
  count(tag: number): number {
    return this.byTag.get(tag)?.count ?? 0;
  }

  /** First string of a STRING, I18NSTRING (the `C` locale) or STRING_ARRAY tag. */
  getString(tag: number): string | undefined {
    return this.getStrings(tag)?.[0];
  }

  /** All strings of a STRING (one), STRING_ARRAY or I18NSTRING (every locale) tag. */
  getStrings(tag: number): string[] | undefined {
    const cached = this.stringCache.get(tag);
    if (cached !== undefined) return cached;
    const raw = this.getRawStrings(tag);
    if (raw === undefined) return undefined;
    const strings = raw.map(decodeHeaderString);
    this.stringCache.set(tag, strings);
    return strings;
  }

  /** The undecoded bytes of each string of a string-class tag (without NUL terminators). */
  getRawStrings(tag: number): Uint8Array[] | undefined {
    const entry = this.byTag.get(tag);
    if (entry === undefined) return undefined;
    if (!isStringType(entry.type)) throw this.wrongType(entry, "a string");
    const out: Uint8Array[] = [];
    let start = entry.offset;
    for (let i = 0; i < entry.count; i++) {
      const end = this.data.indexOf(0, start);
      out.push(this.data.subarray(start, end));
      start = end + 1;
    }
    return out;
  }

  /** First value of an integer tag (CHAR, INT8, INT16, INT32 unsigned, INT64 when it fits a safe integer). */
  getNumber(tag: number): number | undefined {
    const entry = this.byTag.get(tag);
    if (entry === undefined) return undefined;
    return this.numberAt(entry, 0);
  }

  /** All values of an integer tag as numbers; INT64 values above 2^53 throw `RPM_HEADER_CORRUPT`. */
  getNumbers(tag: number): number[] | undefined {
    const entry = this.byTag.get(tag);
    if (entry === undefined) return undefined;
    const out = new Array<number>(entry.count);
    for (let i = 0; i < entry.count; i++) out[i] = this.numberAt(entry, i);
    return out;
  }

  /** All values of an integer tag as bigints (any integer type). */
  getBigInts(tag: number): bigint[] | undefined {
    const entry = this.byTag.get(tag);
    if (entry === undefined) return undefined;
    if (entry.type === TagType.INT64) {
      const out = new Array<bigint>(entry.count);
      for (let i = 0; i < entry.count; i++) out[i] = this.view.getBigUint64(entry.offset + 8 * i);
      return out;
    }
    const out = new Array<bigint>(entry.count);
    for (let i = 0; i < entry.count; i++) out[i] = BigInt(this.numberAt(entry, i));
    return out;
  }

  /** The data of a BIN (or CHAR/INT8) tag, as a view into the header. */
  getBytes(tag: number): Uint8Array | undefined {
    const entry = this.byTag.get(tag);
    if (entry === undefined) return undefined;
    if (entry.type !== TagType.BIN && entry.type !== TagType.CHAR && entry.type !== TagType.INT8) {
      throw this.wrongType(entry, "binary data");
    }
    return this.data.subarray(entry.offset, entry.offset + entry.length);
  }

  /** The raw data bytes of any entry, as a view into the header (integers stay big-endian). */
  getRawData(tag: number): Uint8Array | undefined {
    const entry = this.byTag.get(tag);
    if (entry === undefined) return undefined;
    return this.data.subarray(entry.offset, entry.offset + entry.length);
  }

  private numberAt(entry: HeaderEntry, index: number): number {
    switch (entry.type) {
      case TagType.CHAR:
      case TagType.INT8:
        return this.view.getUint8(entry.offset + index);
      case TagType.INT16:
        return this.view.getUint16(entry.offset + 2 * index);
      case TagType.INT32:
        return this.view.getUint32(entry.offset + 4 * index);
      case TagType.INT64: {
        const value = this.view.getBigUint64(entry.offset + 8 * index);
        if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
          throw headerCorrupt(this.subject, `${this.tagLabel(entry.tag)} value ${value} is too large`);
        }
        return Number(value);
      }
      default:
        throw this.wrongType(entry, "an integer");
    }
  }

  private tagLabel(tag: number): string {
    const where = this.kind === "signature" ? "signature header" : "header";
    return `${where} ${tagName(tag, this.kind === "signature")}`;
  }

  private wrongType(entry: HeaderEntry, wanted: string): Error {
    return headerCorrupt(this.subject, `${this.tagLabel(entry.tag)} has type ${entry.type}, expected ${wanted}`);
  }
}
