/**
 * Inserting index rows into one of rpm's index tables in batches: one multi-row INSERT per batch costs one call into
 * SQLite instead of one per row, and stores the same rows in the same order as single-row INSERTs would.
 * @packageDocumentation
 */
import type { Database, SqlValue, Statement } from "sql.js";
import type { IndexTable } from "./schema.js";

/** Rows per multi-row INSERT (3 parameters each, well under SQLite's parameter limit). */
const BATCH_ROWS = 128;

/** Adds rows to one index table; call {@link IndexInserter.finish} once at the end. */
export interface IndexInserter {
  /** Queues the row `(key, hnum, idx)`; full batches are inserted at once. */
  add(key: Uint8Array, hnum: number, idx: number): void;
  /** Inserts what is queued and frees the statements. */
  finish(): void;
  /** Rows added so far. */
  readonly rows: number;
}

/**
 * An inserter for index table `t`. TEXT keys are bound as bytes and cast, so they are stored as text byte for byte
 * (as rpm's `sqlite3_bind_text` does), whatever their encoding.
 */
export function indexInserter(db: Database, t: IndexTable): IndexInserter {
  const value = t.keyClass === "TEXT" ? "(CAST(? AS TEXT), ?, ?)" : "(?, ?, ?)";
  const sql = (rows: number) => `INSERT INTO '${t.name}' VALUES ${Array(rows).fill(value).join(",")}`;
  let full: Statement | undefined;
  const queued: SqlValue[] = [];
  let rows = 0;
  const flush = () => {
    const n = queued.length / 3;
    if (n === 0) return;
    if (n === BATCH_ROWS) {
      full ??= db.prepare(sql(BATCH_ROWS));
      full.run(queued);
    } else {
      const stmt = db.prepare(sql(n));
      try {
        stmt.run(queued);
      } finally {
        stmt.free();
      }
    }
    queued.length = 0;
  };
  return {
    add(key, hnum, idx) {
      queued.push(key, hnum, idx);
      rows++;
      if (queued.length === BATCH_ROWS * 3) flush();
    },
    finish() {
      try {
        flush();
      } finally {
        full?.free();
      }
    },
    get rows() {
      return rows;
    },
  };
}
