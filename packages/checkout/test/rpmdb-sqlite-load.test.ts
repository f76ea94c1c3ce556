/**
 * Loading sql.js (`loadSqlJs`): one instance per process, compiled with Liftoff only (see `sqlite.ts`), and a
 * working SQLite afterwards, also for WebAssembly the process compiles later.
 */
import { describe, expect, it } from "vitest";
import { loadSqlJs } from "../src/rpmdb/sqlite.js";

describe("loadSqlJs", () => {
  it("loads sql.js once and shares it", async () => {
    const [a, b] = await Promise.all([loadSqlJs(), loadSqlJs()]);
    expect(a).toBe(b);
    expect(await loadSqlJs()).toBe(a);
  });

  it("gives a working SQLite that round-trips a database through export", async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
    db.run("INSERT INTO t VALUES (?, ?)", [7, new Uint8Array([1, 2, 3])]);
    const again = new SQL.Database(db.export());
    db.close();
    expect(again.exec("SELECT k, v FROM t")[0]?.values).toEqual([[7, new Uint8Array([1, 2, 3])]]);
    again.close();
  });

  it("leaves WebAssembly compiled afterwards working", async () => {
    await loadSqlJs();
    // (module (func (export "f") (param i32) (result i32) local.get 0 i32.const 1 i32.add))
    const bytes = new Uint8Array([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 9, 1, 7, 0, 32,
      0, 65, 1, 106, 11,
    ]);
    const { instance } = await WebAssembly.instantiate(bytes);
    expect((instance.exports.f as (x: number) => number)(41)).toBe(42);
  });
});
