/**
 * Loading sql.js (SQLite compiled to WebAssembly) once per process.
 * @packageDocumentation
 */
import { setFlagsFromString } from "node:v8";
import type initSqlJs from "sql.js";

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;

/** The V8 flag that keeps a WebAssembly module on its baseline (Liftoff) code. */
const LIFTOFF_ONLY = "--liftoff-only";

let loading: Promise<SqlJs> | undefined;

/**
 * The sql.js module, loaded and instantiated on first use (about 1 MB of WebAssembly) and shared afterwards.
 * Imported only here, so that a run that only copies an existing database never loads it.
 *
 * The module is compiled with Liftoff only: with V8's optimising tier (TurboFan) SQLite's hot functions are
 * recompiled in the background, which measured about 25-30 MB more peak RSS and ~0.3 s more CPU than it saves on
 * the few thousand statements an rpmdb needs (an upgrade's rpmdb update: 160 MB peak -> 135 MB). The flag is V8's
 * process-wide one, so it is set only while sql.js compiles and cleared afterwards (unless the process was
 * started with it); a WebAssembly module another part of the process compiles at that very moment would also
 * stay on Liftoff, which is slower but correct.
 */
export function loadSqlJs(): Promise<SqlJs> {
  if (loading === undefined) {
    const restore = !startedWith(LIFTOFF_ONLY);
    setFlagsFromString(LIFTOFF_ONLY);
    loading = import("sql.js")
      .then((module) => module.default())
      .finally(() => {
        if (restore) setFlagsFromString("--no-liftoff-only");
      })
      .catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
  }
  return loading;
}

/** True when the process's command line or `NODE_OPTIONS` sets the V8 flag `flag`. */
function startedWith(flag: string): boolean {
  const underscored = flag.replaceAll("-", "_").replace(/^__/, "--");
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return given.some((arg) => arg === flag || arg === underscored);
}
