import { CommanderError } from "@commander-js/extra-typings";
import { isGroveError } from "@grove/core/store";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";

/** Error code used for command-line usage errors (unknown command or option, missing argument). */
export const USAGE_ERROR_CODE = "CLI_USAGE";
/** Error code used for failures that are not a `GroveError`: a bug in grove. */
export const INTERNAL_ERROR_CODE = "INTERNAL_ERROR";

/** The error as printed: the same fields as `GroveError.toJSON()`. */
export interface ErrorBody {
  /** Stable error code (`RPM_DIGEST_MISMATCH`, `CLI_USAGE`, ...). */
  code: string;
  /** Human message naming the subject and what is wrong. */
  message: string;
  /** What the user can do about it. */
  hint?: string;
  /** The file, package or object the error is about. */
  subject?: string;
}

/** How a thrown value should be reported: the exit code and, unless commander already printed, a body. */
export interface ErrorOutcome {
  /** The process exit code. */
  exitCode: ExitCodeValue;
  /** What to print; `undefined` when nothing more needs printing (help or version output). */
  body: ErrorBody | undefined;
  /** The original error, for `GROVE_DEBUG` stack traces. */
  error: unknown;
}

/**
 * Classifies anything a command threw.
 *
 * @param err - the thrown value
 * @param helpCommand - the command line to suggest for help on usage errors, e.g. `grove inspect --help`
 */
export function classifyError(err: unknown, helpCommand: string): ErrorOutcome {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version") {
      return { exitCode: ExitCode.ok, body: undefined, error: err };
    }
    // `grove` alone prints help on stderr and exits: that is a usage error with nothing more to say.
    if (err.code === "commander.help") return { exitCode: ExitCode.usage, body: undefined, error: err };
    return {
      exitCode: ExitCode.usage,
      body: { code: USAGE_ERROR_CODE, message: cleanCommanderMessage(err.message), hint: `see '${helpCommand}'` },
      error: err,
    };
  }
  if (isGroveError(err)) {
    const body: ErrorBody = { code: err.code, message: err.message };
    if (err.hint !== undefined) body.hint = err.hint;
    if (err.subject !== undefined) body.subject = err.subject;
    return { exitCode: ExitCode.failure, body, error: err };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    exitCode: ExitCode.failure,
    body: {
      code: INTERNAL_ERROR_CODE,
      message: `internal error: ${message}`,
      hint: "this is a bug in grove; rerun with GROVE_DEBUG=1 for a stack trace and report it",
    },
    error: err,
  };
}

/** Commander's messages start with `error: ` and may carry a `(Did you mean x?)` line; make them one line. */
function cleanCommanderMessage(message: string): string {
  return message
    .replace(/^error: /, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

/** The text form: `grove: <message>` and, when there is one, `hint: <hint>`, each ending in a newline. */
export function renderErrorText(body: ErrorBody): string {
  let out = `grove: ${body.message}\n`;
  if (body.hint !== undefined) out += `hint: ${body.hint}\n`;
  return out;
}

/** The `--json` form: one line `{"error":{...}}`. */
export function renderErrorJson(body: ErrorBody): string {
  return `${JSON.stringify({ error: body })}\n`;
}

/** A stack trace with the chain of causes, for `GROVE_DEBUG=1`. */
export function renderDebugTrace(err: unknown): string {
  const lines: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    const prefix = depth === 0 ? "" : "caused by: ";
    lines.push(prefix + (current instanceof Error ? (current.stack ?? current.message) : String(current)));
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${lines.join("\n")}\n`;
}
