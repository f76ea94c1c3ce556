/**
 * Loading sql.js (SQLite compiled to WebAssembly) once per process.
 * @packageDocumentation
 */
import initSqlJs from "sql.js";

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

let loading: Promise<SqlJs> | undefined;

/** The sql.js module, instantiated on first use (about 1 MB of WebAssembly) and shared afterwards. */
export function loadSqlJs(): Promise<SqlJs> {
  if (loading === undefined) {
    loading = initSqlJs().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
  }
  return loading;
}
