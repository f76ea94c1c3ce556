/**
 * The one error class every grove package throws.
 *
 * Every failure grove reports is a `GroveError` (or a subclass) carrying a stable,
 * machine-readable {@link GroveError.code}. Messages name the file, package or URL
 * involved and say what is wrong; an optional {@link GroveError.hint} says what to do.
 * The full list of codes lives in `docs/errors.md`.
 *
 * @example
 * ```ts
 * try {
 *   await readRpm(file);
 * } catch (err) {
 *   if (isGroveError(err) && err.code === "RPM_BAD_MAGIC") console.error(err.message);
 * }
 * ```
 */
export class GroveError extends Error {
  /** Stable identifier of the failure, e.g. `RPM_DIGEST_MISMATCH`. Never changes between releases. */
  readonly code: string;
  /** What the user can do about it, when grove knows. */
  readonly hint: string | undefined;
  /** The file, package, URL or object the error is about, when there is one. */
  readonly subject: string | undefined;

  /**
   * @param code - stable error code (UPPER_SNAKE_CASE, prefixed by the area: `RPM_`, `STORE_`, ...)
   * @param message - human message; should name the subject and what is wrong
   * @param options - optional `hint`, `subject` and `cause`
   */
  constructor(code: string, message: string, options: GroveErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GroveError";
    this.code = code;
    this.hint = options.hint;
    this.subject = options.subject;
  }

  /** A plain-object form for `--json` output. */
  toJSON(): { code: string; message: string; hint?: string; subject?: string } {
    const out: { code: string; message: string; hint?: string; subject?: string } = {
      code: this.code,
      message: this.message,
    };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.subject !== undefined) out.subject = this.subject;
    return out;
  }
}

/** Options accepted by the {@link GroveError} constructor. */
export interface GroveErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** The file, package, URL or object the error is about. */
  subject?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** True when `err` is a {@link GroveError} (works across duplicated module copies by checking the shape). */
export function isGroveError(err: unknown): err is GroveError {
  return (
    err instanceof GroveError ||
    (err instanceof Error && err.name === "GroveError" && typeof (err as { code?: unknown }).code === "string")
  );
}
