/**
 * Test helpers for the bundled CLI (`dist/grove.js` and `dist/grove-chunks/`, made by `scripts/bundle.mjs`):
 * which source modules each output file holds, and a preload that records what a process loads and which
 * worker threads it hands work to.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./run-cli.js";

/** The bundle's directory. */
export const bundleDir = path.join(repoRoot, "packages/cli/dist");

/**
 * `modules.json`: for each output file (`grove.js`, `grove-chunks/NAME-HASH.js`), the source modules it holds,
 * relative to the repository (`packages/core/dist/store/store.js`, `node_modules/commander/index.js`).
 */
export function bundleModules(): Record<string, string[]> {
  return JSON.parse(readFileSync(path.join(bundleDir, "grove-chunks/modules.json"), "utf8")) as Record<
    string,
    string[]
  >;
}

/** A grove `dist/` module as the module-loading checks name it: `packages/rpm/dist/x/y.js` -> `rpm/x/y.js`. */
export function groveModuleName(repoPath: string): string | undefined {
  const m = /^packages\/([a-z]+)\/dist\/(.*)$/.exec(repoPath);
  return m === null ? undefined : `${m[1]}/${m[2]}`;
}

/**
 * Writes a preload module (for `NODE_OPTIONS=--import=...`) and returns its path. In the process it:
 * - appends every module URL the process loads to `$GROVE_LOAD_LOG` (when set), through a loader hook;
 * - appends, for every message posted to a worker thread, the worker's script URL (for a worker made from
 *   source text, `eval:` and the name of the first function in it) to `$GROVE_WORKER_LOG` (when set): a job was
 *   handed to that worker, not just started; for a message with a \`job\` field (the payload workers' jobs), also a
 *   line \`job <job> worker <n>\`, n numbering the workers the process started.
 * @param dir - where to write it
 */
export function writeRecordingPreload(dir: string): string {
  const hooks = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (process.env.GROVE_LOAD_LOG) appendFileSync(process.env.GROVE_LOAD_LOG, url + "\\n");
  return next(url, context);
}`;
  const preload = `import { appendFileSync } from "node:fs";
import { register, syncBuiltinESMExports } from "node:module";
import threads from "node:worker_threads";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hooks)}));
const log = process.env.GROVE_WORKER_LOG;
if (log) {
  const Base = threads.Worker;
  let started = 0;
  threads.Worker = class RecordedWorker extends Base {
    constructor(script, options) {
      super(script, options);
      const name = options?.eval ? "eval:" + (/function ([A-Za-z_$]+)/.exec(String(script))?.[1] ?? "?") : String(script);
      const id = ++started;
      const post = this.postMessage.bind(this);
      this.postMessage = (message, transfer) => {
        appendFileSync(log, name + "\\n" + (message?.job ? "job " + message.job + " worker " + id + "\\n" : ""));
        return post(message, transfer);
      };
    }
  };
  syncBuiltinESMExports();
}
`;
  const file = path.join(dir, "recording-preload.mjs");
  writeFileSync(file, preload);
  return file;
}

/** The lines of a log file a {@link writeRecordingPreload} preload wrote (none when it does not exist). */
export function readLog(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}
