/**
 * Test helpers for the bundled CLI (`dist/grove-bundle.cjs`, made by `scripts/bundle.mjs` and run by
 * `dist/grove.cjs`): which source modules it holds, which of them ran in a process (from V8's coverage and the
 * bundle's source map), and a preload that records what a process loads and which worker threads it hands work to.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WRAPPER_PREFIX } from "../src/code-cache.js";
import { repoRoot } from "./run-cli.js";

/** The bundle's directory. */
export const bundleDir = path.join(repoRoot, "packages/cli/dist");
/** The bundled CLI. */
export const bundleFile = path.join(bundleDir, "grove-bundle.cjs");

/**
 * `grove-bundle.modules.json`: the source modules the bundle holds, relative to the repository
 * (`packages/core/dist/store/store.js`, `node_modules/commander/index.js`).
 */
export function bundleModules(): string[] {
  return JSON.parse(readFileSync(path.join(bundleDir, "grove-bundle.modules.json"), "utf8")) as string[];
}

/** A grove `dist/` module as the module-loading checks name it: `packages/rpm/dist/x/y.js` -> `rpm/x/y.js`. */
export function groveModuleName(repoPath: string): string | undefined {
  const m = /(?:^|\/)packages\/([a-z]+)\/dist\/(.*)$/.exec(repoPath);
  return m === null ? undefined : `${m[1]}/${m[2]}`;
}

/** One function of V8's coverage report. */
interface CoveredFunction {
  ranges: Array<{ startOffset: number; endOffset: number; count: number }>;
}

/** The scripts of every V8 coverage report in `coverageDir` (`NODE_V8_COVERAGE`), one entry per script and process. */
function coveredScripts(coverageDir: string): Array<{ url: string; functions: CoveredFunction[] }> {
  return readdirSync(coverageDir)
    .filter((f) => f.endsWith(".json"))
    .flatMap(
      (report) =>
        (
          JSON.parse(readFileSync(path.join(coverageDir, report), "utf8")) as {
            result: Array<{ url: string; functions: CoveredFunction[] }>;
          }
        ).result,
    );
}

/**
 * The grove modules of the bundle (as {@link groveModuleName} names them) at least one function of which ran in
 * the processes that wrote V8 coverage reports to `coverageDir` (`NODE_V8_COVERAGE`). A function's module is the
 * source its first position maps to in `dist/grove-bundle.cjs.map`. A module's top level is not counted: it runs
 * when the bundle is loaded, or (for a module the sources load with `import()`) in an initialiser rolldown wrote,
 * when first imported; it defines the module's functions and constants.
 * @param coverageDir - the `NODE_V8_COVERAGE` directory
 */
export function bundleModulesThatRan(coverageDir: string): string[] {
  const code = readFileSync(bundleFile, "utf8");
  const lineStarts = [0];
  for (let i = code.indexOf("\n"); i !== -1; i = code.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, "utf8")));
  const ran = new Set<string>();
  for (const script of coveredScripts(coverageDir)) {
    if (script.url !== bundleFile && !script.url.endsWith("/grove-bundle.cjs")) continue;
    for (const fn of script.functions) {
      const whole = fn.ranges[0];
      if (whole === undefined || whole.count === 0) continue;
      const offset = whole.startOffset - WRAPPER_PREFIX.length;
      if (offset <= 0) continue; // the wrapper itself: the bundle's top level
      // A lazily loaded module's initialiser (`var init_x = __esmMin(() => {...})`, the module's top level):
      // code rolldown wrote, which maps to whatever source precedes it.
      if (/__esmMin\(\(?$/.test(code.slice(Math.max(0, offset - 12), offset))) continue;
      let line = lineStarts.length - 1;
      while (lineStarts[line]! > offset) line--;
      const source = map.findEntry(line, offset - lineStarts[line]!) as { originalSource?: string };
      const original = source.originalSource;
      if (original === undefined) continue;
      const file = original.startsWith("file:") ? fileURLToPath(original) : path.resolve(bundleDir, original);
      const name = groveModuleName(path.relative(repoRoot, file).split(path.sep).join("/"));
      if (name !== undefined) ran.add(name);
    }
  }
  return [...ran].sort();
}

/**
 * The scripts the processes that wrote V8 coverage reports to `coverageDir` compiled (their main threads and
 * worker threads), as paths relative to the repository; node's own modules left out.
 * @param coverageDir - the `NODE_V8_COVERAGE` directory
 */
export function scriptsLoaded(coverageDir: string): string[] {
  const loaded = new Set<string>();
  for (const { url } of coveredScripts(coverageDir)) {
    const file = url.startsWith("file:") ? fileURLToPath(url) : url;
    if (path.isAbsolute(file)) loaded.add(path.relative(repoRoot, file).split(path.sep).join("/"));
  }
  return [...loaded].sort();
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
