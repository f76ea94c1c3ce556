import { GroveError } from "@grove/core/store";
import { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS } from "../network-defaults.js";
import { isTransient, RepoFetchError } from "./fetch-error.js";

/** How often and how patiently to retry transient failures. */
export interface RetryOptions {
  /** Extra attempts per URL after a transient failure (default 3). */
  retries?: number;
  /** Delay before the first retry in ms; doubles each time, at most 10 s (default 500). */
  retryDelayMs?: number;
}

export { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS } from "../network-defaults.js";

/**
 * Run `action` until it succeeds, retrying transient failures (timeouts, broken connections,
 * HTTP 5xx/429/408) with exponential backoff. When it still fails after retries, the error's
 * message says how many attempts were made.
 *
 * @param action - the attempt (gets the 0-based attempt number)
 * @param options - retry counts and delay, a cancel signal, and a callback before each retry
 */
export async function withRetries<T>(
  action: (attempt: number) => Promise<T>,
  options: RetryOptions & { signal?: AbortSignal; onRetry?: (error: GroveError, attempt: number) => void },
): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const delay = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await action(attempt);
    } catch (err) {
      if (!isTransient(err)) throw err;
      if (attempt >= retries) throw attempt === 0 ? err : annotate(err as RepoFetchError, attempt + 1);
      options.onRetry?.(err as GroveError, attempt + 1);
      await sleep(Math.min(delay * 2 ** attempt, 10_000), options.signal);
    }
  }
}

function annotate(err: RepoFetchError, attempts: number): RepoFetchError {
  const base = new GroveError(err.code, `${err.message} (gave up after ${attempts} attempts)`, {
    ...(err.hint === undefined ? {} : { hint: err.hint }),
    ...(err.subject === undefined ? {} : { subject: err.subject }),
    cause: err,
  });
  return new RepoFetchError(base, err.transient, err.status);
}

/**
 * Wait `ms` milliseconds (rejecting early when `signal` aborts).
 *
 * @param ms - delay
 * @param signal - optional cancel signal
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
