import { FileLists, type FileListColumns } from "../model/file-lists.js";
import { DEP_KIND_COUNT, type PackageColumns, PackageTable } from "../model/package-table.js";
import { StringTable } from "../model/string-table.js";
import type { BinaryContent, Column } from "./binary-file.js";

const PACKAGE_INT_COLUMNS = [
  "name",
  "arch",
  "version",
  "release",
  "checksumType",
  "checksum",
  "href",
  "base",
  "summary",
  "sourceRpm",
] as const;
const PACKAGE_FLOAT_COLUMNS = ["packageSize", "installedSize", "buildTime", "fileTime"] as const;

/**
 * The binary-file content of a package table.
 *
 * @param table - the table
 * @param meta - metadata to store with it (e.g. the repomd checksum)
 */
export function encodePackageTable(table: PackageTable, meta: Record<string, unknown>): BinaryContent {
  return {
    kind: "primary",
    meta: { ...meta, count: table.count },
    strings: table.strings.strings,
    columns: { ...table.columns },
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
  const stringCount = content.strings.length;
  for (const name of PACKAGE_INT_COLUMNS) {
    if (!isInt32(c[name], count) || !idsInRange(c[name], stringCount)) return undefined;
  }
  if (!isInt32(c.epoch, count)) return undefined;
  for (const name of PACKAGE_FLOAT_COLUMNS) if (!(c[name] instanceof Float64Array) || c[name].length !== count) return undefined;
  const depStart = c.depStart;
  const fileStart = c.fileStart;
  if (!(depStart instanceof Uint32Array) || depStart.length !== count * DEP_KIND_COUNT + 1) return undefined;
  if (!(fileStart instanceof Uint32Array) || fileStart.length !== count + 1) return undefined;
  const deps = depStart[depStart.length - 1] as number;
  const files = fileStart[fileStart.length - 1] as number;
  if (!isInt32(c.depName, deps) || !isInt32(c.depFlags, deps) || !isInt32(c.depEvr, deps)) return undefined;
  if (!isInt32(c.filePath, files) || !(c.fileKind instanceof Uint8Array) || c.fileKind.length !== files) return undefined;
  if (!idsInRange(c.depName, stringCount) || !idsInRange(c.depEvr, stringCount)) return undefined;
  if (!idsInRange(c.filePath, stringCount)) return undefined;
  if (!ascending(depStart) || !ascending(fileStart)) return undefined;
  return new PackageTable(new StringTable(content.strings as string[]), c as unknown as PackageColumns);
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
    strings: lists.strings.strings,
    columns: { ...lists.columns },
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
  const fileStart = c.fileStart;
  if (!(fileStart instanceof Uint32Array) || fileStart.length !== count + 1 || !ascending(fileStart)) return undefined;
  const files = fileStart[count] as number;
  if (!isInt32(c.dir, files) || !isInt32(c.base, files)) return undefined;
  if (!(c.kind instanceof Uint8Array) || c.kind.length !== files) return undefined;
  if (!idsInRange(c.dir, content.strings.length) || !idsInRange(c.base, content.strings.length)) return undefined;
  return new FileLists(new StringTable(content.strings as string[]), c as unknown as FileListColumns);
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

function ascending(column: Uint32Array): boolean {
  if (column[0] !== 0) return false;
  for (let i = 1; i < column.length; i++) if ((column[i] as number) < (column[i - 1] as number)) return false;
  return true;
}
