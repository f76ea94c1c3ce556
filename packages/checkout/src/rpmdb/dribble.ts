/**
 * Appending "dribble" entries to an immutable header region, byte for byte as rpm's `headerExport` lays them out.
 * @packageDocumentation
 */
import { type HeaderRegion, TagType } from "@grove/rpm/header";

/** One header entry added after the immutable region (rpm calls them dribbles). */
export interface Dribble {
  /** Tag number. */
  tag: number;
  /** Data type ({@link TagType}). */
  type: number;
  /** Value count (1 for STRING, number of bytes for BIN). */
  count: number;
  /** The data as stored in a header: big-endian integers, NUL-terminated strings. */
  data: Uint8Array;
}

/** Alignment of each data type in the data area (rpm's `typeAlign`). */
const TYPE_ALIGN: Readonly<Record<number, number>> = {
  [TagType.INT16]: 2,
  [TagType.INT32]: 4,
  [TagType.INT64]: 8,
};

const ENTRY_SIZE = 16;

/**
 * The header blob rpm stores in the `Packages` table (`headerExport`): `il`, `dl`, the region's index entries
 * unchanged, the dribble entries, the region's data unchanged, then each dribble's data aligned for its type.
 * Dribbles are sorted by tag, as rpm sorts entries added to a header (stable for equal tags).
 * @param blob - the package's main header without its 8-byte magic (`il`, `dl`, index, data)
 * @param region - its immutable region, which must span the whole header
 * @param dribbles - the entries to add
 */
export function appendDribbles(blob: Uint8Array, region: HeaderRegion, dribbles: readonly Dribble[]): Uint8Array {
  const sorted = [...dribbles].sort((a, b) => a.tag - b.tag);
  const ril = region.indexCount;
  const rdl = region.dataLength;
  const offsets: number[] = [];
  let dl = rdl;
  for (const d of sorted) {
    const align = TYPE_ALIGN[d.type] ?? 1;
    dl += (align - (dl % align)) % align;
    offsets.push(dl);
    dl += d.data.length;
  }
  const il = ril + sorted.length;
  const out = new Uint8Array(8 + ENTRY_SIZE * il + dl);
  const view = new DataView(out.buffer);
  view.setUint32(0, il);
  view.setUint32(4, dl);
  out.set(blob.subarray(8, 8 + ENTRY_SIZE * ril), 8);
  const dataStart = 8 + ENTRY_SIZE * il;
  out.set(blob.subarray(8 + ENTRY_SIZE * ril, 8 + ENTRY_SIZE * ril + rdl), dataStart);
  sorted.forEach((d, i) => {
    const at = 8 + ENTRY_SIZE * (ril + i);
    const offset = offsets[i] as number;
    view.setUint32(at, d.tag);
    view.setUint32(at + 4, d.type);
    view.setInt32(at + 8, offset);
    view.setUint32(at + 12, d.count);
    out.set(d.data, dataStart + offset);
  });
  return out;
}

/** A dribble holding one 32-bit unsigned integer. */
export function uint32Dribble(tag: number, value: number): Dribble {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, value);
  return { tag, type: TagType.INT32, count: 1, data };
}

/** A dribble holding one NUL-terminated string. */
export function stringDribble(tag: number, value: string): Dribble {
  const bytes = new TextEncoder().encode(value);
  const data = new Uint8Array(bytes.length + 1);
  data.set(bytes);
  return { tag, type: TagType.STRING, count: 1, data };
}
