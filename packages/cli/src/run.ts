import { type CliContext, processContext } from "./context.js";
import type { ExitCodeValue } from "./exit-codes.js";
import { classifyError, renderDebugTrace, renderErrorJson, renderErrorText } from "./output/error-report.js";
import { createProgram } from "./program.js";
import type { RootCommand } from "./root-command.js";

/**
 * Runs `grove` with the given arguments (without `node` and the script path) and returns the exit code.
 * Never throws: every error is printed on `ctx.stderr`, as text or, when `--json` is on the command line,
 * as `{"error":{...}}`.
 *
 * @example
 * ```ts
 * process.exitCode = await runGrove(["inspect", "bash.rpm", "--json"]);
 * ```
 */
export async function runGrove(argv: readonly string[], ctx: CliContext = processContext()): Promise<ExitCodeValue> {
  const program = createProgram(ctx);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    const outcome = classifyError(err, helpCommandFor(program, argv));
    if (outcome.body !== undefined) {
      ctx.stderr(wantsJson(argv) ? renderErrorJson(outcome.body) : renderErrorText(outcome.body));
    }
    if (ctx.env.GROVE_DEBUG && outcome.exitCode !== 0) ctx.stderr(renderDebugTrace(outcome.error));
    return outcome.exitCode;
  }
}

/** True when `--json` appears among the options (before any `--`), even if parsing failed. */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** `grove <command> --help` for the first argument naming a known command, else `grove --help`. */
function helpCommandFor(program: RootCommand, argv: readonly string[]): string {
  const names = new Set(program.commands.map((command) => command.name()));
  const named = argv.find((arg) => names.has(arg));
  return named === undefined ? "grove --help" : `grove ${named} --help`;
}
