import { Header, type HeaderEntry, type HeaderKind, type HeaderRegion } from "./header.js";
import { badMagic, headerCorrupt, headerTooLarge } from "./header-errors.js";
import {
  MAX_ARRAY_COUNT,
  MAX_HEADER_BYTES,
  MAX_HEADER_DATA,
  MAX_HEADER_TAGS,
  MAX_SIGNATURE_DATA,
  MAX_SIGNATURE_TAGS,
} from "./limits.js";
import { declaredTagType, isStringType, Tag, TagType, tagName } from "./tags.js";

/** The 8 bytes every header starts with: magic `8e ad e8`, version 1, four reserved zero bytes. */
export const HEADER_MAGIC: readonly number[] = [0x8e, 0xad, 0xe8, 0x01, 0x00, 0x00, 0x00, 0x00];

/** Size of one index entry (tag, type, offset, count: four big-endian 32-bit values). */
const ENTRY_SIZE = 16;

/** Byte size of one value of each fixed-size type; strings are variable (-1). */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, -1, 1, -1, -1];

/** Options of {@link parseHeaderBlob}. */
export interface ParseHeaderOptions {
  /** File name for messages. */
  subject: string;
  /** `signature` (region tag 62, at most 32 tags / 64 MiB) or `header` (region tag 63, 65535 tags / 256 MiB). */
  kind: HeaderKind;
  /**
   * Require the immutable region to span the whole header, as rpm does for the main header of a package file.
   * Defaults to `true` for `header` and `false` for `signature`. Pass `false` for installed (rpmdb) headers,
   * which carry extra "dribble" entries after the region.
   */
  exactRegion?: boolean;
}

/** The counts from a header intro, checked against rpm's limits. */
export interface HeaderIntro {
  /** Number of index entries. */
  indexCount: number;
  /** Size of the data area in bytes. */
  dataLength: number;
  /** Bytes that follow the 16-byte intro: `16 * indexCount + dataLength`. */
  bodyLength: number;
}

/**
 * Checks the 16-byte intro of a header as found in a package file (magic, reserved bytes, il, dl)
 * and the size limits, before anything is allocated for the rest.
 * @throws GroveError `RPM_BAD_MAGIC`, `RPM_HEADER_TOO_LARGE`
 */
export function parseHeaderIntro(intro: Uint8Array, subject: string, kind: HeaderKind): HeaderIntro {
  const what = kind === "signature" ? "signature header" : "header";
  for (let i = 0; i < HEADER_MAGIC.length; i++) {
    if (intro[i] !== HEADER_MAGIC[i]) {
      throw badMagic(subject, `bad ${what} magic (expected 8e ad e8 01 00 00 00 00)`);
    }
  }
  const view = new DataView(intro.buffer, intro.byteOffset, intro.byteLength);
  return checkCounts(view.getUint32(8), view.getUint32(12), subject, kind);
}

function checkCounts(indexCount: number, dataLength: number, subject: string, kind: HeaderKind): HeaderIntro {
  const what = kind === "signature" ? "signature header" : "header";
  const maxTags = kind === "signature" ? MAX_SIGNATURE_TAGS : MAX_HEADER_TAGS;
  const maxData = kind === "signature" ? MAX_SIGNATURE_DATA : MAX_HEADER_DATA;
  if (indexCount > maxTags) {
    throw headerTooLarge(subject, `${what} has ${indexCount} index entries (at most ${maxTags} allowed)`);
  }
  if (dataLength > maxData) {
    throw headerTooLarge(subject, `${what} has ${dataLength} data bytes (at most ${maxData} allowed)`);
  }
  const bodyLength = ENTRY_SIZE * indexCount + dataLength;
  if (8 + bodyLength >= MAX_HEADER_BYTES) {
    throw headerTooLarge(subject, `${what} is ${8 + bodyLength} bytes (must stay below ${MAX_HEADER_BYTES})`);
  }
  return { indexCount, dataLength, bodyLength };
}

/**
 * Parses and validates a header blob without magic (`il`, `dl`, index, data — the rpmdb format, or a package
 * header with its first 8 bytes removed). Every entry is checked the way rpm's `hdrblobInit` does: known type,
 * count, alignment, data inside the data area and not overlapping the previous entry or the region trailer,
 * strings NUL-terminated in bounds, and (main header) declared tag types. The region trailer is validated.
 * @throws GroveError `RPM_HEADER_CORRUPT`, `RPM_HEADER_TOO_LARGE`
 */
export function parseHeaderBlob(blob: Uint8Array, options: ParseHeaderOptions): Header {
  const { subject, kind } = options;
  const what = kind === "signature" ? "signature header" : "header";
  if (blob.length < 8) throw headerCorrupt(subject, `${what} is only ${blob.length} bytes`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const { indexCount, dataLength, bodyLength } = checkCounts(view.getUint32(0), view.getUint32(4), subject, kind);
  if (blob.length !== 8 + bodyLength) {
    throw headerCorrupt(
      subject,
      `${what} size mismatch: ${blob.length} bytes, but 8 + 16 * ${indexCount} + ${dataLength} = ${8 + bodyLength}`,
    );
  }
  if (indexCount < 1) throw headerCorrupt(subject, `${what} has no entries`);

  const dataStart = 8 + ENTRY_SIZE * indexCount;
  const data = blob.subarray(dataStart);
  const raw = readIndex(view, indexCount);
  const region = verifyRegion(raw, data, options);
  const entries = verifyEntries(raw, data, region, subject, kind);
  return new Header({ blob, entries, region, subject, kind });
}

interface RawEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

function readIndex(view: DataView, indexCount: number): RawEntry[] {
  const out: RawEntry[] = new Array(indexCount);
  for (let i = 0; i < indexCount; i++) {
    const at = 8 + ENTRY_SIZE * i;
    out[i] = {
      tag: view.getUint32(at),
      type: view.getUint32(at + 4),
      offset: view.getInt32(at + 8),
      count: view.getUint32(at + 12),
    };
  }
  return out;
}

function verifyRegion(raw: RawEntry[], data: Uint8Array, options: ParseHeaderOptions): HeaderRegion | undefined {
  const { subject, kind } = options;
  const exact = options.exactRegion ?? kind === "header";
  const regionTag = kind === "signature" ? Tag.HEADERSIGNATURES : Tag.HEADERIMMUTABLE;
  const first = raw[0] as RawEntry;
  // No region tag first: a v3 header (or an old signature header); the entries are checked like any others.
  if (first.tag !== regionTag) return undefined;
  const label = `region ${tagName(regionTag)}`;
  if (first.type !== TagType.BIN || first.count !== ENTRY_SIZE) {
    throw headerCorrupt(subject, `${label} entry has type ${first.type} count ${first.count} (expected BIN, 16)`);
  }
  if (first.offset < 0 || first.offset + ENTRY_SIZE > data.length) {
    throw headerCorrupt(subject, `${label} trailer offset ${first.offset} is outside the data area`);
  }
  const trailer = new DataView(data.buffer, data.byteOffset + first.offset, ENTRY_SIZE);
  let trailerTag = trailer.getUint32(0);
  // Some old packages carry HEADERIMAGE in the signature region trailer; rpm accepts that.
  if (regionTag === Tag.HEADERSIGNATURES && trailerTag === Tag.HEADERIMAGE) trailerTag = Tag.HEADERSIGNATURES;
  const trailerType = trailer.getUint32(4);
  const trailerOffset = trailer.getInt32(8);
  const trailerCount = trailer.getUint32(12);
  if (trailerTag !== regionTag || trailerType !== TagType.BIN || trailerCount !== ENTRY_SIZE) {
    throw headerCorrupt(
      subject,
      `${label} trailer is bad (tag ${trailerTag} type ${trailerType} count ${trailerCount}, expected tag ${regionTag} BIN 16)`,
    );
  }
  const regionIndexBytes = -trailerOffset;
  const indexCount = regionIndexBytes / ENTRY_SIZE;
  const dataLength = first.offset + ENTRY_SIZE;
  if (!Number.isInteger(indexCount) || indexCount < 1 || indexCount > raw.length) {
    throw headerCorrupt(subject, `${label} trailer claims ${regionIndexBytes} index bytes for ${raw.length} entries`);
  }
  if (exact && (indexCount !== raw.length || dataLength !== data.length)) {
    throw headerCorrupt(
      subject,
      `${label} covers ${indexCount} entries and ${dataLength} data bytes, but the header has ${raw.length} and ${data.length}`,
    );
  }
  return { tag: regionTag, indexCount, dataLength };
}

function verifyEntries(
  raw: RawEntry[],
  data: Uint8Array,
  region: HeaderRegion | undefined,
  subject: string,
  kind: HeaderKind,
): HeaderEntry[] {
  const dl = data.length;
  const entries: HeaderEntry[] = new Array(raw.length);
  // rpm cannot type-check signature tags (numbers clash), only main-header ones.
  const typeCheck = kind === "header" && region !== undefined;
  let previousEnd = 0;
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i] as RawEntry;
    if (i === 0 && region !== undefined) {
      entries[0] = { tag: e.tag, type: e.type, offset: e.offset, count: e.count, length: ENTRY_SIZE };
      continue;
    }
    const bad = (why: string) =>
      headerCorrupt(
        subject,
        `${kind === "signature" ? "signature header" : "header"} entry ${i} (${tagName(e.tag, kind === "signature")}, type ${e.type}, offset ${e.offset}, count ${e.count}): ${why}`,
      );
    if (e.tag < Tag.HEADERI18NTABLE) throw bad("tag number below 100 outside a region entry");
    if (e.type < TagType.CHAR || e.type > TagType.I18NSTRING) throw bad("unknown data type");
    if (e.count < 1 || e.count > dl) throw bad("count out of range");
    if (e.type !== TagType.BIN && e.count > MAX_ARRAY_COUNT) throw bad(`more than ${MAX_ARRAY_COUNT} values`);
    if (e.offset < 0 || e.offset > dl) throw bad("offset outside the data area");
    const size = TYPE_SIZES[e.type] as number;
    if (size > 1 && e.offset % size !== 0) throw bad(`offset not aligned to ${size} bytes`);
    if (e.offset < previousEnd) throw bad("data overlaps the previous entry");
    if (typeCheck) {
      const declared = declaredTagType(e.tag);
      if (declared !== undefined && declared !== e.type && !(isStringType(declared) && isStringType(e.type))) {
        throw bad(`rpm declares type ${declared} for this tag`);
      }
    }
    if (e.type === TagType.STRING && e.count !== 1) throw bad("a STRING entry must have count 1");
    const length = size > 0 ? size * e.count : stringDataLength(data, e.offset, e.count);
    if (length < 0) throw bad("strings run past the end of the data area");
    const end = e.offset + length;
    if (end > dl || length <= 0) throw bad("data runs past the end of the data area");
    if (region !== undefined && end > region.dataLength - ENTRY_SIZE && e.offset < region.dataLength) {
      throw bad("data overlaps the region trailer");
    }
    previousEnd = end;
    entries[i] = { tag: e.tag, type: e.type, offset: e.offset, count: e.count, length };
  }
  return entries;
}

/** Length of `count` NUL-terminated strings starting at `offset`, or -1 when they do not all end inside `data`. */
function stringDataLength(data: Uint8Array, offset: number, count: number): number {
  let at = offset;
  for (let n = 0; n < count; n++) {
    const nul = data.indexOf(0, at);
    if (nul < 0) return -1;
    at = nul + 1;
  }
  return at - offset;
}
