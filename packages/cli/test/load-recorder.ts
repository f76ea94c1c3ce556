/**
 * Recording which modules a grove process loads: a module hook, registered by an `--import` preload, appends
 * every loaded module's URL to the file named by `$GROVE_LOAD_LOG` (the hook runs in the loader thread).
 */

/** The module hook's source. */
const HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  appendFileSync(process.env.GROVE_LOAD_LOG, url + "\\n");
  return next(url, context);
}`;

/**
 * The `--import` argument that records loaded modules to `$GROVE_LOAD_LOG`; with `builtins`, the process
 * also appends node's own loaded built-in modules (`process.moduleLoadList`, undici among them once used) to
 * `$GROVE_BUILTIN_LOG` at exit.
 * @param options - whether to record built-in modules too
 */
export function loadRecorderImport(options: { builtins?: boolean } = {}): string {
  const lines = [
    `import { register } from "node:module";`,
    ...(options.builtins
      ? [
          `import { appendFileSync } from "node:fs";`,
          `process.on("exit", () => appendFileSync(process.env.GROVE_BUILTIN_LOG, process.moduleLoadList.join("\\n") + "\\n"));`,
        ]
      : []),
    `register("data:text/javascript,${encodeURIComponent(HOOKS)}");`,
  ];
  return `data:text/javascript,${encodeURIComponent(lines.join("\n"))}`;
}
