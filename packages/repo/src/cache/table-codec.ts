import { type FileListColumns, FileLists } from "../model/file-lists.js";
import { DEP_KIND_COUNT, type PackageColumns, PackageTable } from "../model/package-table.js";
import { StringTable } from "../model/string-table.js";
import type { BinaryContent, Column } from "./binary-file.js";

const SYMBOL_COLUMNS = ["name", "arch", "version", "release", "checksumType", "base", "sourceRpm"] as const;
const TEXT_COLUMNS = ["checksum", "href", "summary"] as const;
const FLOAT_COLUMNS = ["packageSize", "installedSize", "buildTime", "fileTime"] as const;

/**
 * The binary-file content of a package table: its columns plus both string tables (lengths,
 * UTF-8 bytes and, for the interned one, its hash index, so lookups need no rebuilding).
 *
 * @param table - the table
 * @param meta - metadata to store with it (e.g. the repomd checksum)
 */
export function encodePackageTable(table: PackageTable, meta: Record<string, unknown>): BinaryContent {
  return {
    kind: "primary",
    meta: { ...meta, count: table.count },
    columns: {
      ...table.columns,
      ...encodeStrings("strings", table.strings, true),
      ...encodeStrings("texts", table.texts, false),
    },
  };
}

/**
 * Rebuild a package table from binary-file content, checking every column's type, length and
 * string ids, so a damaged cache file is rejected instead of yielding garbage.
 *
 * @param content - decoded binary content of kind `"primary"`
 * @returns the table, or `undefined` when the content is inconsistent
 */
export function decodePackageTable(content: BinaryContent): PackageTable | undefined {
  const c = content.columns;
  const count = content.meta.count;
  if (typeof count !== "number") return undefined;
  const strings = decodeStrings("strings", c);
  const texts = decodeStrings("texts", c);
  if (strings === undefined || texts === undefined) return undefined;
  for (const name of SYMBOL_COLUMNS)
    if (!isInt32(c[name], count) || !idsInRange(c[name], strings.size)) return undefined;
  for (const name of TEXT_COLUMNS) if (!isInt32(c[name], count) || !idsInRange(c[name], texts.size)) return undefined;
  if (!isInt32(c.epoch, count)) return undefined;
  for (const name of FLOAT_COLUMNS)
    if (!(c[name] instanceof Float64Array) || c[name].length !== count) return undefined;
  const depStart = c.depStart;
  const fileStart = c.fileStart;
  if (!(depStart instanceof Uint32Array) || depStart.length !== count * DEP_KIND_COUNT + 1) return undefined;
  if (!(fileStart instanceof Uint32Array) || fileStart.length !== count + 1) return undefined;
  const deps = depStart[depStart.length - 1] as number;
  const files = fileStart[fileStart.length - 1] as number;
  if (!isInt32(c.depName, deps) || !isInt32(c.depFlags, deps) || !isInt32(c.depEvr, deps)) return undefined;
  if (!isInt32(c.filePath, files) || !(c.fileKind instanceof Uint8Array) || c.fileKind.length !== files)
    return undefined;
  if (!idsInRange(c.depName, strings.size) || !idsInRange(c.depEvr, strings.size)) return undefined;
  if (!idsInRange(c.filePath, strings.size)) return undefined;
  if (!ascending(depStart) || !ascending(fileStart)) return undefined;
  return new PackageTable(strings, texts, c as unknown as PackageColumns);
}

/**
 * The binary-file content of file lists.
 *
 * @param lists - the file lists
 * @param meta - metadata to store with them
 */
export function encodeFileLists(lists: FileLists, meta: Record<string, unknown>): BinaryContent {
  return {
    kind: "filelists",
    meta: { ...meta, count: lists.count },
    columns: { ...lists.columns, ...encodeStrings("strings", lists.strings, true) },
  };
}

/**
 * Rebuild file lists from binary-file content, validating them like {@link decodePackageTable}.
 *
 * @param content - decoded binary content of kind `"filelists"`
 * @param count - the number of packages the primary table has
 */
export function decodeFileLists(content: BinaryContent, count: number): FileLists | undefined {
  const c = content.columns;
  if (content.meta.count !== count) return undefined;
  const strings = decodeStrings("strings", c);
  if (strings === undefined) return undefined;
  const fileStart = c.fileStart;
  if (!(fileStart instanceof Uint32Array) || fileStart.length !== count + 1 || !ascending(fileStart)) return undefined;
  const files = fileStart[count] as number;
  if (!isInt32(c.dir, files) || !isInt32(c.base, files)) return undefined;
  if (!(c.kind instanceof Uint8Array) || c.kind.length !== files) return undefined;
  if (!idsInRange(c.dir, strings.size) || !idsInRange(c.base, strings.size)) return undefined;
  return new FileLists(strings, c as unknown as FileListColumns);
}

function encodeStrings(prefix: string, table: StringTable, withHash: boolean): Record<string, Column> {
  let form = table.joinedForm();
  if (form === undefined) {
    const all = table.toArray();
    const lengths = new Uint32Array(all.length);
    for (let i = 0; i < all.length; i++) lengths[i] = (all[i] as string).length;
    form = { joined: all.join(""), lengths };
  }
  // A lone surrogate becomes U+FFFD in UTF-8: still one UTF-16 unit, so the lengths stay right.
  const columns: Record<string, Column> = {
    [`${prefix}.lengths`]: form.lengths,
    [`${prefix}.utf8`]: Buffer.from(form.joined, "utf8"),
  };
  if (withHash) columns[`${prefix}.hash`] = table.hashIndex();
  return columns;
}

function decodeStrings(prefix: string, columns: Record<string, Column>): StringTable | undefined {
  const lengths = columns[`${prefix}.lengths`];
  const utf8 = columns[`${prefix}.utf8`];
  const hash = columns[`${prefix}.hash`];
  if (!(lengths instanceof Uint32Array) || !(utf8 instanceof Uint8Array)) return undefined;
  if (hash !== undefined && !(hash instanceof Int32Array && idsInRangeOrEmpty(hash, lengths.length))) return undefined;
  const joined = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength).toString("utf8");
  return StringTable.fromJoined(joined, lengths, hash);
}

function isInt32(column: Column | undefined, length: number): column is Int32Array {
  return column instanceof Int32Array && column.length === length;
}

function idsInRange(column: Column | undefined, limit: number): boolean {
  if (column === undefined) return false;
  for (let i = 0; i < column.length; i++) {
    const v = column[i] as number;
    if (v < 0 || v >= limit) return false;
  }
  return true;
}

/** A valid hash index: ids in range or -1, with at least one empty slot (so probing ends). */
function idsInRangeOrEmpty(column: Int32Array, limit: number): boolean {
  let empty = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column[i] as number;
    if (v < -1 || v >= limit) return false;
    if (v === -1) empty++;
  }
  return empty > 0;
}

function ascending(column: Uint32Array): boolean {
  if (column[0] !== 0) return false;
  for (let i = 1; i < column.length; i++) if ((column[i] as number) < (column[i - 1] as number)) return false;
  return true;
}
