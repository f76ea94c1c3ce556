/**
 * Changing an existing `rpmdb.sqlite` by a few packages, as rpm does on an upgrade: the removed packages' rows go,
 * the added packages get the next header numbers. Much cheaper than {@link buildRpmdb} when a set changes a little.
 * @packageDocumentation
 */
import { GroveError, isGroveError } from "@grove/core/store";
import type { Database } from "sql.js";
import { insertHeaders } from "./insert-headers.js";
import { INDEX_TABLES } from "./schema.js";
import { loadSqlJs } from "./sqlite.js";
import { installedHeaders, type RpmdbPackage, type RpmdbStats, sqlite, type WriteRpmdbOptions } from "./write-rpmdb.js";

/** What {@link updateRpmdb} changes. */
export interface RpmdbChange {
  /** Header numbers (`Packages.hnum`) to remove, each present in the database. */
  remove: readonly number[];
  /** Packages to add; they get the next header numbers, in this order. */
  add: readonly RpmdbPackage[];
}

/** What {@link updateRpmdb} produced. */
export interface UpdatedRpmdb {
  /** The new database file's bytes (rollback-journal mode, like {@link buildRpmdb}'s). */
  bytes: Uint8Array;
  /** The header number of each added package, in the order of {@link RpmdbChange.add}. */
  added: number[];
  /** Counters: `packages` is the new total, `indexRows` the rows inserted. */
  stats: RpmdbStats;
}

/**
 * Applies `change` to the database `base` (left unchanged; the bytes of an `rpmdb.sqlite` written by {@link buildRpmdb} or by
 * this function): deletes the removed packages' `Packages` rows and index rows, then inserts the added packages
 * as {@link buildRpmdb} does (AUTOINCREMENT header numbers continue after the highest ever used, as rpm's do).
 * Packages that stay keep their header numbers, install times and bytes. The result answers every rpm query like
 * a fresh build of the same set; only the header numbering and the file's page layout differ.
 * @throws GroveError `CHECKOUT_RPMDB_BAD_BASE` when `base` is not an rpmdb with rpm's tables or lacks a header
 *   number to remove; as {@link buildRpmdb} for the added packages
 */
export async function updateRpmdb(
  base: Uint8Array,
  change: RpmdbChange,
  options: WriteRpmdbOptions = {},
): Promise<UpdatedRpmdb> {
  const started = performance.now();
  const headers = installedHeaders(change.add, options);
  const SQL = await loadSqlJs();
  let db: Database;
  try {
    // A copy: sql.js may take over the array it is given and write into it.
    db = new SQL.Database(new Uint8Array(base));
  } catch (cause) {
    throw badBase(`cannot be opened: ${String(cause)}`, cause);
  }
  try {
    checkTables(db);
    const added: number[] = [];
    let indexRowCount = 0;
    let packages = 0;
    sqlite(() => {
      db.run("PRAGMA journal_mode = OFF");
      db.run("PRAGMA synchronous = OFF");
      db.run("BEGIN");
      removePackages(db, change.remove);
      const inserted = insertHeaders(db, headers, () =>
        Number(db.exec("SELECT last_insert_rowid()")[0]?.values[0]?.[0]),
      );
      added.push(...inserted.hnums);
      indexRowCount = inserted.indexRows;
      db.run("COMMIT");
      packages = Number(db.exec("SELECT count(*) FROM 'Packages'")[0]?.values[0]?.[0]);
    });
    const bytes = sqlite(() => db.export());
    return {
      bytes,
      added,
      stats: { packages, indexRows: indexRowCount, bytes: bytes.length, elapsedMs: performance.now() - started },
    };
  } finally {
    db.close();
  }
}

function checkTables(db: Database): void {
  let names: Set<string>;
  try {
    const rows = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? [];
    names = new Set(rows.map((r) => String(r[0])));
  } catch (cause) {
    throw badBase(`is not an SQLite database: ${String(cause)}`, cause);
  }
  const missing = ["Packages", ...INDEX_TABLES.map((t) => t.name)].filter((n) => !names.has(n));
  if (missing.length > 0) throw badBase(`lacks rpm's tables ${missing.slice(0, 3).join(", ")}`);
}

function removePackages(db: Database, hnums: readonly number[]): void {
  if (hnums.length === 0) return;
  for (const hnum of hnums) {
    if (!Number.isSafeInteger(hnum) || hnum < 1) throw badBase(`cannot remove header number ${hnum}`);
  }
  const list = [...new Set(hnums)].join(",");
  const present = Number(db.exec(`SELECT count(*) FROM 'Packages' WHERE hnum IN (${list})`)[0]?.values[0]?.[0]);
  if (present !== new Set(hnums).size) throw badBase(`lacks some of the header numbers ${list}`);
  db.run(`DELETE FROM 'Packages' WHERE hnum IN (${list})`);
  for (const t of INDEX_TABLES) db.run(`DELETE FROM '${t.name}' WHERE hnum IN (${list})`);
}

function badBase(what: string, cause?: unknown): GroveError {
  if (isGroveError(cause)) return cause;
  return new GroveError("CHECKOUT_RPMDB_BAD_BASE", `the rpm database to update ${what}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
