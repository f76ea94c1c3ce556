/**
 * Writing rpm's sqlite database (`rpmdb.sqlite`) for a set of packages, as `rpm -i --justdb` would.
 * @packageDocumentation
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { GroveError, isGroveError } from "@grove/core/store";
import { insertHeaders } from "./insert-headers.js";
import { buildInstalledHeader, type InstalledHeader } from "./installed-header.js";
import { CREATE_PACKAGES_SQL, createIndexSql, createIndexTableSql, INDEX_TABLES } from "./schema.js";
import { loadSqlJs } from "./sqlite.js";

/** One package to record in the rpmdb. */
export interface RpmdbPackage {
  /** The main header exactly as in the package file: 16-byte intro (magic, il, dl), index, data. */
  headerBytes: Uint8Array;
  /**
   * The signature header as in the package file (16-byte intro, index, data), when known: the installed header
   * then carries rpm's merged signature tags and is byte-identical to rpm's. See {@link InstalledHeaderInput}.
   */
  signatureBytes?: Uint8Array;
  /** INSTALLTIME of this package; default {@link WriteRpmdbOptions.installTime}. */
  installTime?: number;
  /** INSTALLTID of this package; default {@link WriteRpmdbOptions.installTid}. */
  installTid?: number;
  /** rpm file states, one per file; default all 0 (installed normally). */
  fileStates?: Uint8Array;
  /** The package in error messages (e.g. its NEVRA or file name); default `package <n>`. */
  subject?: string;
}

/** Options of {@link buildRpmdb} and {@link writeRpmdb}. */
export interface WriteRpmdbOptions {
  /** INSTALLTIME for packages that give none; default now (seconds since the epoch). */
  installTime?: number;
  /** INSTALLTID for packages that give none; default the install time (rpm uses the transaction start). */
  installTid?: number;
  /** INSTALLCOLOR, rpm's `%_transaction_color`; default {@link DEFAULT_INSTALL_COLOR}. See {@link transactionColor}. */
  installColor?: number;
}

/** What was written. */
export interface RpmdbStats {
  /** Number of packages (rows of `Packages`, hnum 1..n in input order). */
  packages: number;
  /** Number of index rows over all index tables. */
  indexRows: number;
  /** Size of the database file in bytes. */
  bytes: number;
  /** Time taken, in milliseconds. */
  elapsedMs: number;
}

/** The default INSTALLCOLOR: 3, rpm's transaction color on x86_64, aarch64, ppc64le, s390x, riscv64. */
export const DEFAULT_INSTALL_COLOR = 3;

const ARCH_COLOR_3 = /^(x86_64|amd64|ia32e|aarch64|ppc64.*|s390x|sparc64.*|mips64.*|riscv64|loongarch64)$/;

/**
 * rpm's `%_transaction_color` for a machine architecture (`installplatform`): 3 on 64-bit multilib arches, 2 on
 * ia64, 0 elsewhere (32-bit, noarch).
 */
export function transactionColor(arch: string): number {
  if (ARCH_COLOR_3.test(arch)) return 3;
  return arch === "ia64" ? 2 : 0;
}

/**
 * Builds the bytes of an `rpmdb.sqlite` holding `packages` (hnum 1..n in the given order): the `Packages` table
 * with each installed header (see {@link buildInstalledHeader}), rpm's 18 index tables with their SQL indexes, and
 * the `sqlite_sequence` row, with rpm's schema text. The file is in rollback-journal (DELETE) mode, as images must
 * be: rpm switches it to WAL itself when it next writes.
 * @throws GroveError `CHECKOUT_RPMDB_*` for headers rpm would not install, `RPM_*` for corrupt headers,
 *   `CHECKOUT_RPMDB_SQLITE_FAILED` when SQLite fails
 */
export async function buildRpmdb(
  packages: readonly RpmdbPackage[],
  options: WriteRpmdbOptions = {},
): Promise<{ bytes: Uint8Array; stats: RpmdbStats }> {
  const started = performance.now();
  const headers = installedHeaders(packages, options);

  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  let indexRowCount = 0;
  try {
    sqlite(() => {
      // The database lives in sql.js's memory file system until exported: no journal needed.
      db.run("PRAGMA journal_mode = OFF");
      db.run("PRAGMA synchronous = OFF");
      db.run("BEGIN");
      db.run(CREATE_PACKAGES_SQL);
      for (const t of INDEX_TABLES) db.run(createIndexTableSql(t));
      indexRowCount = insertHeaders(db, headers, (i) => i + 1).indexRows;
      // rpm creates the SQL indexes before inserting; building them afterwards is faster and gives the same indexes.
      for (const t of INDEX_TABLES) for (const sql of createIndexSql(t)) db.run(sql);
      db.run("COMMIT");
    });
    const bytes = sqlite(() => db.export());
    const stats: RpmdbStats = {
      packages: packages.length,
      indexRows: indexRowCount,
      bytes: bytes.length,
      elapsedMs: performance.now() - started,
    };
    return { bytes, stats };
  } finally {
    db.close();
  }
}

/**
 * Writes `rpmdb.sqlite` for `packages` to `path` (see {@link buildRpmdb}): through a temporary file renamed into
 * place, mode 0644, after removing any `-wal`, `-shm` or `-journal` file beside it (SQLite would replay a stale one
 * into the new database).
 * @throws GroveError as {@link buildRpmdb}; `CHECKOUT_RPMDB_WRITE_FAILED` when the file cannot be written
 */
export async function writeRpmdb(
  path: string,
  packages: readonly RpmdbPackage[],
  options: WriteRpmdbOptions = {},
): Promise<RpmdbStats> {
  const started = performance.now();
  const { bytes, stats } = await buildRpmdb(packages, options);
  await writeDatabaseFile(path, bytes);
  return { ...stats, elapsedMs: performance.now() - started };
}

/**
 * Puts database bytes at `path` atomically (temporary file + rename, mode 0644) and removes stale SQLite side
 * files (`-wal`, `-shm`, `-journal`) first.
 * @throws GroveError `CHECKOUT_RPMDB_WRITE_FAILED`
 */
export async function writeDatabaseFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    // Synchronous: one file of a few MB and four system calls, where each thread-pool round trip costs more.
    writeFileSync(tmp, bytes, { mode: 0o644, flag: "wx" });
    for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
    renameSync(tmp, path);
  } catch (cause) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing to clean
    }
    throw new GroveError("CHECKOUT_RPMDB_WRITE_FAILED", `${path}: cannot write the rpm database: ${String(cause)}`, {
      subject: path,
      cause,
    });
  }
}

/**
 * The installed headers of `packages` (see {@link buildInstalledHeader}), with the install time, transaction id
 * and color of `options` for packages that give none.
 * @throws GroveError as {@link buildInstalledHeader}
 */
export function installedHeaders(
  packages: readonly RpmdbPackage[],
  options: WriteRpmdbOptions = {},
): InstalledHeader[] {
  const installTime = options.installTime ?? Math.floor(Date.now() / 1000);
  const installTid = options.installTid ?? installTime;
  const installColor = options.installColor ?? DEFAULT_INSTALL_COLOR;
  return packages.map((p, i) =>
    buildInstalledHeader({
      headerBytes: p.headerBytes,
      ...(p.signatureBytes === undefined ? {} : { signatureBytes: p.signatureBytes }),
      ...(p.fileStates === undefined ? {} : { fileStates: p.fileStates }),
      installTime: p.installTime ?? installTime,
      installTid: p.installTid ?? installTid,
      installColor,
      subject: p.subject ?? `package ${i + 1}`,
    }),
  );
}

/**
 * Runs SQLite work, turning a SQLite failure into `CHECKOUT_RPMDB_SQLITE_FAILED` (GroveErrors pass through).
 * @throws GroveError `CHECKOUT_RPMDB_SQLITE_FAILED`
 */
export function sqlite<T>(fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (isGroveError(cause)) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new GroveError("CHECKOUT_RPMDB_SQLITE_FAILED", `SQLite failed while building the rpm database: ${message}`, {
      cause,
    });
  }
}
