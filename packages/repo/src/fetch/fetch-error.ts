import { GroveError } from "@grove/core/store";
import { type RepoErrorCodeValue, repoError } from "../errors.js";

/**
 * A failed fetch: a {@link GroveError} that also says whether trying again may help
 * (timeouts, broken connections, HTTP 5xx/429/408) and the HTTP status, if any.
 */
export class RepoFetchError extends GroveError {
  /** True when the same request may succeed if retried. */
  readonly transient: boolean;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;

  /**
   * @param base - the error to wrap (code, message, subject, hint, cause are copied)
   * @param transient - whether a retry may help
   * @param status - HTTP status, if any
   */
  constructor(base: GroveError, transient: boolean, status?: number) {
    super(base.code, base.message, {
      ...(base.hint === undefined ? {} : { hint: base.hint }),
      ...(base.subject === undefined ? {} : { subject: base.subject }),
      ...(base.cause === undefined ? {} : { cause: base.cause }),
    });
    this.transient = transient;
    this.status = status;
  }
}

/**
 * Build a {@link RepoFetchError}.
 *
 * @param code - error code
 * @param repoId - repository id
 * @param url - the URL fetched
 * @param what - what went wrong
 * @param transient - whether a retry may help
 * @param options - HTTP status and cause
 */
export function fetchError(
  code: RepoErrorCodeValue,
  repoId: string,
  url: string,
  what: string,
  transient: boolean,
  options: { status?: number; cause?: unknown; hint?: string } = {},
): RepoFetchError {
  const base = repoError(code, repoId, url, what, {
    ...(options.cause === undefined ? {} : { cause: options.cause }),
    ...(options.hint === undefined ? {} : { hint: options.hint }),
  });
  return new RepoFetchError(base, transient, options.status);
}

/** True when `err` is a fetch failure that a retry may cure. */
export function isTransient(err: unknown): boolean {
  return err instanceof RepoFetchError && err.transient;
}
