import type { Database } from "sql.js";
import { indexInserter } from "./index-inserter.js";
import { indexRows } from "./index-rows.js";
import type { InstalledHeader } from "./installed-header.js";
import { INDEX_TABLES } from "./schema.js";

/**
 * Inserts installed headers into an open rpmdb inside the caller's transaction: each blob into `Packages` with
 * hnum NULL (SQLite assigns the next number and keeps `sqlite_sequence`, as for rpm), then table by table the
 * index rows, within a table in rpm's order (by hnum, then tag value order).
 * @param db - the database, its tables created
 * @param headers - the headers, in install order
 * @param hnumOf - the hnum SQLite gave header `i`, asked right after its insert (a fresh table gives 1..n)
 * @returns the hnums given, and the index rows written
 */
export function insertHeaders(
  db: Database,
  headers: readonly InstalledHeader[],
  hnumOf: (i: number) => number,
): { hnums: number[]; indexRows: number } {
  const hnums: number[] = [];
  const insertPackage = db.prepare("INSERT INTO 'Packages' VALUES(?, ?)");
  try {
    headers.forEach(({ blob }, i) => {
      insertPackage.run([null, blob]);
      hnums.push(hnumOf(i));
    });
  } finally {
    insertPackage.free();
  }
  let rows = 0;
  for (const t of INDEX_TABLES) {
    const inserter = indexInserter(db, t);
    try {
      headers.forEach(({ header }, i) => {
        const hnum = hnums[i] as number;
        indexRows(header, t, (key, idx) => inserter.add(key, hnum, idx));
      });
    } finally {
      inserter.finish();
    }
    rows += inserter.rows;
  }
  return { hnums, indexRows: rows };
}
