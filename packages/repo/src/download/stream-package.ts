import type { GroveError } from "@grove/core";
import { RepoErrorCode } from "../errors.js";
import { assertChecksum, createChecksumHash } from "../fetch/checksum.js";
import { fetchError, RepoFetchError } from "../fetch/fetch-error.js";
import { type RetryOptions, withRetries } from "../fetch/retry.js";
import { DEFAULT_TIMEOUT_MS, type OpenedUrl, openUrl } from "../fetch/transport.js";
import type { PackageHandle } from "../model/repo-package.js";
import type { RepoSet } from "../repo-set.js";

/** Options of {@link streamPackage}. */
export interface StreamPackageOptions extends RetryOptions {
  /** Timeout per request and per silence within a body (default: the repository's setting, else 30 s). */
  timeoutMs?: number;
  /** Cancels the download (and so the consumer's reading). */
  signal?: AbortSignal;
  /** Called with the number of new bytes received. */
  onBytes?: (bytes: number) => void;
  /** Called when an attempt failed and the package starts over (progress should drop back to 0). */
  onRestart?: (error: GroveError) => void;
}

/**
 * True when {@link streamPackage} serves this package: its URL is `http:` or `https:` (a `file:` package is
 * read in place instead, see `downloadPackages`).
 * @param repos - the loaded repositories
 * @param handle - the package
 */
export function canStreamPackage(repos: RepoSet, handle: PackageHandle): boolean {
  const first = repos.repoOf(handle).packageUrls(handle.index)[0];
  return first !== undefined && /^https?:/i.test(first);
}

/**
 * Downloads a package straight into a consumer, without a file in between: `consume` reads the body as it
 * arrives. The stream checks the package's size and repository checksum as it goes and throws
 * (`REPO_CHECKSUM_MISMATCH`, `REPO_SIZE_MISMATCH`, `REPO_NETWORK` for a connection closed early, all naming
 * the URL) instead of ending when the bytes are not the package, so a consumer that acts only once the stream
 * has ended (as `importRpm` commits only then) never acts on a bad package. Transient failures (timeouts,
 * broken connections, HTTP 5xx) start the consumer over on a new request, with backoff; other download failures
 * move on to the next mirror. Errors of the consumer itself are thrown as they are.
 * @param repos - the loaded repositories the package comes from
 * @param handle - the package
 * @param consume - reads the body once (to its end, for the checks to run) and returns its result
 * @param options - timeout, retries, cancellation, progress
 * @returns what `consume` returned for the attempt that succeeded
 * @throws GroveError from the last URL tried (`REPO_*`), or the consumer's error
 */
export async function streamPackage<T>(
  repos: RepoSet,
  handle: PackageHandle,
  consume: (chunks: AsyncIterable<Uint8Array>, url: string) => Promise<T>,
  options: StreamPackageOptions = {},
): Promise<T> {
  const repo = repos.repoOf(handle);
  const pkg = repos.package(handle);
  const transport = {
    repoId: repo.id,
    timeoutMs: options.timeoutMs ?? repo.network.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(repo.network.fetch === undefined ? {} : { fetch: repo.network.fetch }),
  };
  const retry = {
    retries: options.retries ?? repo.network.retries,
    retryDelayMs: options.retryDelayMs ?? repo.network.retryDelayMs,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const size = pkg.packageSize > 0 ? pkg.packageSize : undefined;
  const failures: GroveError[] = [];
  const urls = repo.packageUrls(handle.index);
  let attempts = 0;
  for (const url of urls) {
    try {
      return await withRetries(
        async () => {
          if (attempts++ > 0 && failures.length > 0) options.onRestart?.(failures[failures.length - 1] as GroveError);
          const opened = await openUrl(url, transport);
          if (size !== undefined && opened.size !== undefined && opened.size !== size) {
            opened.cancel();
            throw fetchError(
              RepoErrorCode.sizeMismatch,
              repo.id,
              url,
              `size mismatch: expected ${size} bytes, the server announces ${opened.size}`,
              false,
            );
          }
          try {
            return await consume(checkedBody(opened, pkg.checksum, size, repo.id, options.onBytes), url);
          } finally {
            opened.cancel();
          }
        },
        { ...retry, onRetry: (error) => failures.push(error) },
      );
    } catch (err) {
      if (!(err instanceof RepoFetchError)) throw err; // the consumer's own failure
      failures.push(err);
      if (urls.length <= 1) throw err;
    }
  }
  throw failures[failures.length - 1] ?? new Error(`streamPackage: no URL for ${pkg.name}`);
}

/** The body, checked for size and checksum: it throws instead of ending when either is wrong. */
async function* checkedBody(
  opened: OpenedUrl,
  checksum: { type: string; value: string },
  size: number | undefined,
  repoId: string,
  onBytes: ((bytes: number) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  const hash = createChecksumHash(checksum.type, repoId, opened.url);
  let received = 0;
  for await (const chunk of opened.chunks) {
    received += chunk.length;
    if (size !== undefined && received > size) {
      throw fetchError(
        RepoErrorCode.sizeMismatch,
        repoId,
        opened.url,
        `size mismatch: more than the expected ${size} bytes`,
        false,
      );
    }
    hash.update(chunk);
    onBytes?.(chunk.length);
    yield chunk;
  }
  if (size !== undefined && received !== size) {
    throw fetchError(
      RepoErrorCode.sizeMismatch,
      repoId,
      opened.url,
      `size mismatch: expected ${size} bytes, got ${received}`,
      false,
    );
  }
  assertChecksum(checksum, hash.digest("hex"), repoId, opened.url);
}
