import { endianness } from "node:os";

/** The typed arrays a binary cache file can hold. */
export type Column = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** Content of a binary cache file: a kind tag, JSON metadata and named columns. */
export interface BinaryContent {
  /** What the file holds, e.g. `"primary"`; checked on read. */
  kind: string;
  /** Small JSON-able metadata. */
  meta: Record<string, unknown>;
  /** Named columns. */
  columns: Record<string, Column>;
}

const MAGIC = Buffer.from("GROVEMD\n", "latin1");
/** Bump when the layout of any cache file changes: older files are then ignored and rebuilt. */
export const BINARY_FORMAT_VERSION = 2;

type ColumnType = "i32" | "u32" | "f64" | "u8";

interface SectionInfo {
  name: string;
  type: ColumnType;
  /** Byte offset from the start of the data area. */
  offset: number;
  /** Number of elements. */
  length: number;
}

interface HeaderJson {
  format: number;
  kind: string;
  littleEndian: boolean;
  meta: Record<string, unknown>;
  sections: SectionInfo[];
}

const BYTES: Readonly<Record<ColumnType, number>> = { i32: 4, u32: 4, f64: 8, u8: 1 };

function typeOf(column: Column): ColumnType {
  if (column instanceof Int32Array) return "i32";
  if (column instanceof Uint32Array) return "u32";
  if (column instanceof Float64Array) return "f64";
  return "u8";
}

const align8 = (n: number): number => (n + 7) & ~7;

/**
 * Encode `content` as the buffers of one file: an 8-byte magic, the header length (u32 LE), a JSON
 * header, then every column 8-byte aligned, so that reading maps the columns without copying.
 *
 * @param content - what to store
 * @returns the buffers to write, in order
 */
export function encodeBinaryFile(content: BinaryContent): Buffer[] {
  const columns = Object.entries(content.columns);
  const sections: SectionInfo[] = [];
  let at = 0;
  for (const [name, column] of columns) {
    sections.push({ name, type: typeOf(column), offset: at, length: column.length });
    at = align8(at + column.byteLength);
  }
  const header = Buffer.from(
    JSON.stringify({
      format: BINARY_FORMAT_VERSION,
      kind: content.kind,
      littleEndian: endianness() === "LE",
      meta: content.meta,
      sections,
    } satisfies HeaderJson),
    "utf8",
  );
  const prefix = Buffer.alloc(12);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(header.length, 8);
  const out: Buffer[] = [prefix, header, Buffer.alloc(align8(12 + header.length) - 12 - header.length)];
  for (let i = 0; i < columns.length; i++) {
    const column = (columns[i] as [string, Column])[1];
    out.push(Buffer.from(column.buffer, column.byteOffset, column.byteLength));
    out.push(Buffer.alloc(align8(column.byteLength) - column.byteLength));
  }
  return out;
}

/**
 * Decode a file written by {@link encodeBinaryFile}. Columns are views into `data` when aligned.
 *
 * @param data - the file content
 * @param kind - the expected kind
 * @returns the content, or `undefined` when the file is not a valid cache file of this format,
 *   kind and byte order (the caller then rebuilds it)
 */
export function decodeBinaryFile(data: Buffer, kind: string): BinaryContent | undefined {
  if (data.length < 12 || !data.subarray(0, 8).equals(MAGIC)) return undefined;
  const headerLength = data.readUInt32LE(8);
  if (12 + headerLength > data.length) return undefined;
  let header: HeaderJson;
  try {
    header = JSON.parse(data.toString("utf8", 12, 12 + headerLength)) as HeaderJson;
  } catch {
    return undefined;
  }
  if (
    typeof header !== "object" ||
    header === null ||
    header.format !== BINARY_FORMAT_VERSION ||
    header.kind !== kind ||
    header.littleEndian !== (endianness() === "LE") ||
    !Array.isArray(header.sections) ||
    typeof header.meta !== "object" ||
    header.meta === null
  ) {
    return undefined;
  }
  const dataStart = align8(12 + headerLength);
  const columns: Record<string, Column> = {};
  for (const section of header.sections) {
    const column = viewColumn(data, dataStart, section);
    if (column === undefined) return undefined;
    columns[section.name] = column;
  }
  return { kind, meta: header.meta, columns };
}

function viewColumn(data: Buffer, dataStart: number, section: SectionInfo): Column | undefined {
  const size = BYTES[section.type];
  if (size === undefined || !Number.isSafeInteger(section.offset) || !Number.isSafeInteger(section.length)) {
    return undefined;
  }
  const byteLength = section.length * size;
  const offset = dataStart + section.offset;
  if (section.offset < 0 || section.length < 0 || offset + byteLength > data.length) return undefined;
  const start = data.byteOffset + offset;
  const aligned = start % size === 0;
  const source = aligned ? data.buffer : data.buffer.slice(start, start + byteLength);
  const at = aligned ? start : 0;
  switch (section.type) {
    case "i32":
      return new Int32Array(source, at, section.length);
    case "u32":
      return new Uint32Array(source, at, section.length);
    case "f64":
      return new Float64Array(source, at, section.length);
    case "u8":
      return new Uint8Array(source, at, section.length);
  }
}
