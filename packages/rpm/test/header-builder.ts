/**
 * Test helper: serializes RPM headers and whole RPM files from a list of entries, the way rpmbuild lays them
 * out (region entry first, data aligned per type, region trailer last), so tests can build valid and broken
 * inputs without a fixture file.
 */
import { createHash } from "node:crypto";
import { HEADER_MAGIC, SigTag, TagType } from "../src/header/index.js";

/** A value to store: strings may be given as raw bytes to test non-UTF-8 data. */
export type EntryValue = string | Uint8Array | (string | Uint8Array)[] | number[] | bigint[];

/** One entry to serialize. */
export interface BuildEntry {
  tag: number;
  type: number;
  value: EntryValue;
}

const encoder = new TextEncoder();

function stringBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === "string" ? encoder.encode(s) : s;
}

function encodeValue(entry: BuildEntry): { bytes: Uint8Array; count: number } {
  const { type, value } = entry;
  switch (type) {
    case TagType.STRING: {
      const s = stringBytes(value as string | Uint8Array);
      return { bytes: concat([s, new Uint8Array([0])]), count: 1 };
    }
    case TagType.STRING_ARRAY:
    case TagType.I18NSTRING: {
      const list = value as (string | Uint8Array)[];
      return { bytes: concat(list.flatMap((s) => [stringBytes(s), new Uint8Array([0])])), count: list.length };
    }
    case TagType.BIN:
      return { bytes: value as Uint8Array, count: (value as Uint8Array).length };
    case TagType.CHAR:
    case TagType.INT8:
    case TagType.INT16:
    case TagType.INT32:
    case TagType.INT64: {
      const size = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8 }[type] as number;
      const list = value as (number | bigint)[];
      const bytes = new Uint8Array(size * list.length);
      const view = new DataView(bytes.buffer);
      list.forEach((v, i) => {
        if (size === 1) view.setUint8(i, Number(v));
        else if (size === 2) view.setUint16(2 * i, Number(v));
        else if (size === 4) view.setUint32(4 * i, Number(v));
        else view.setBigUint64(8 * i, BigInt(v));
      });
      return { bytes, count: list.length };
    }
    default:
      throw new Error(`cannot encode type ${type}`);
  }
}

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Options of {@link buildHeaderBlob}. */
export interface BlobOptions {
  /** Region tag to wrap the entries in (62 signature, 63 main header); `undefined` for a v3 header. */
  regionTag?: number;
}

/** Serializes entries into a header blob without magic: il, dl, index, data. */
export function buildHeaderBlob(entries: BuildEntry[], options: BlobOptions = {}): Uint8Array {
  const index: { tag: number; type: number; offset: number; count: number }[] = [];
  const chunks: Uint8Array[] = [];
  let dl = 0;
  for (const entry of entries) {
    const { bytes, count } = encodeValue(entry);
    const align = { 3: 2, 4: 4, 5: 8 }[entry.type] ?? 1;
    const pad = (align - (dl % align)) % align;
    if (pad) {
      chunks.push(new Uint8Array(pad));
      dl += pad;
    }
    index.push({ tag: entry.tag, type: entry.type, offset: dl, count });
    chunks.push(bytes);
    dl += bytes.length;
  }
  if (options.regionTag !== undefined) {
    const il = index.length + 1;
    const trailer = new Uint8Array(16);
    const tv = new DataView(trailer.buffer);
    tv.setUint32(0, options.regionTag);
    tv.setUint32(4, TagType.BIN);
    tv.setInt32(8, -il * 16);
    tv.setUint32(12, 16);
    index.unshift({ tag: options.regionTag, type: TagType.BIN, offset: dl, count: 16 });
    chunks.push(trailer);
    dl += 16;
  }
  const head = new Uint8Array(8 + 16 * index.length);
  const hv = new DataView(head.buffer);
  hv.setUint32(0, index.length);
  hv.setUint32(4, dl);
  index.forEach((e, i) => {
    hv.setUint32(8 + 16 * i, e.tag);
    hv.setUint32(12 + 16 * i, e.type);
    hv.setInt32(16 + 16 * i, e.offset);
    hv.setUint32(20 + 16 * i, e.count);
  });
  return concat([head, ...chunks]);
}

/** Prepends the 8-byte header magic. */
export function withMagic(blob: Uint8Array): Uint8Array {
  return concat([Uint8Array.from(HEADER_MAGIC), blob]);
}

/** A 96-byte lead for `name`. */
export function buildLead(name = "test-1-1", major = 3): Uint8Array {
  const lead = new Uint8Array(96);
  lead.set([0xed, 0xab, 0xee, 0xdb, major, 0]);
  lead.set(encoder.encode(name).subarray(0, 65), 10);
  new DataView(lead.buffer).setUint16(78, 5);
  return lead;
}

/** Options of {@link buildRpm}. */
export interface RpmOptions {
  /** Main header entries (a region tag 63 is added unless `v3`). */
  header: BuildEntry[];
  /** Extra signature entries; SHA1 and SHA256 header digests are added unless `digests: false`. */
  signature?: BuildEntry[];
  /** Add SHA1/SHA256 header digests to the signature header (default true). */
  digests?: boolean;
  /** Build a v3 main header without region. */
  v3?: boolean;
  /** Payload bytes appended after the header. */
  payload?: Uint8Array;
}

/** A whole RPM file: lead, signature header + padding, main header, payload. */
export function buildRpm(options: RpmOptions): { file: Uint8Array; headerBytes: Uint8Array; payloadOffset: number } {
  const headerBytes = withMagic(buildHeaderBlob(options.header, options.v3 ? {} : { regionTag: 63 }));
  const sigEntries: BuildEntry[] = [];
  if (options.digests !== false) {
    sigEntries.push({
      tag: SigTag.SHA1,
      type: TagType.STRING,
      value: createHash("sha1").update(headerBytes).digest("hex"),
    });
    sigEntries.push({
      tag: SigTag.SHA256,
      type: TagType.STRING,
      value: createHash("sha256").update(headerBytes).digest("hex"),
    });
  }
  sigEntries.push(...(options.signature ?? []));
  sigEntries.sort((a, b) => a.tag - b.tag);
  const signature = withMagic(buildHeaderBlob(sigEntries, { regionTag: 62 }));
  const pad = new Uint8Array((8 - (signature.length % 8)) % 8);
  const payload = options.payload ?? new Uint8Array([0x1f, 0x8b]);
  const file = concat([buildLead(), signature, pad, headerBytes, payload]);
  return { file, headerBytes, payloadOffset: file.length - payload.length };
}

/** The entries every package needs (NAME, VERSION, RELEASE, ARCH, SOURCERPM), followed by `extra`, sorted by tag. */
export function packageEntries(extra: BuildEntry[] = []): BuildEntry[] {
  const base: BuildEntry[] = [
    { tag: 1000, type: TagType.STRING, value: "test" },
    { tag: 1001, type: TagType.STRING, value: "1.0" },
    { tag: 1002, type: TagType.STRING, value: "1" },
    { tag: 1022, type: TagType.STRING, value: "x86_64" },
    { tag: 1044, type: TagType.STRING, value: "test-1.0-1.src.rpm" },
  ];
  const byTag = new Map<number, BuildEntry>();
  for (const e of [...base, ...extra]) byTag.set(e.tag, e);
  return [...byTag.values()].sort((a, b) => a.tag - b.tag);
}
