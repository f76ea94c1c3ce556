/**
 * Loading sql.js (SQLite compiled to WebAssembly) once per process.
 * @packageDocumentation
 */
import type initSqlJs from "sql.js";

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

let loading: Promise<SqlJs> | undefined;

/**
 * The sql.js module, loaded and instantiated on first use (about 1 MB of WebAssembly) and shared afterwards.
 * Imported only here, so that a run that only copies an existing database never loads it.
 */
export function loadSqlJs(): Promise<SqlJs> {
  if (loading === undefined) {
    loading = import("sql.js")
      .then((module) => module.default())
      .catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
  }
  return loading;
}
