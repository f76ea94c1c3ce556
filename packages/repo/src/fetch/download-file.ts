import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core/store";
import { RepoErrorCode } from "../errors.js";
import { assertChecksum, type Checksum, createChecksumHash } from "./checksum.js";
import { fetchError } from "./fetch-error.js";
import { type RetryOptions, withRetries } from "./retry.js";
import { openUrl, type TransportOptions } from "./transport.js";

/** What to download and how to check it. */
export interface DownloadFileRequest {
  /** Candidate URLs of the same file (mirrors), tried in order. */
  urls: readonly string[];
  /** Final path; written only once the content is complete and verified. */
  dest: string;
  /** Expected checksum, verified while streaming. */
  checksum?: Checksum;
  /** Expected size in bytes. */
  size?: number;
  /** Called with the number of new bytes received. */
  onBytes?: (bytes: number) => void;
  /** Called when a download attempt failed and a new one starts (progress should drop back to 0). */
  onRestart?: (error: GroveError, attempt: number) => void;
}

/**
 * Download a file to `dest`: stream it to a temporary file beside `dest` while hashing, check the
 * size and checksum, then rename it into place. Transient failures (timeouts, broken connections,
 * HTTP 5xx) are retried with backoff; other failures (404, checksum mismatch) move on to the next
 * mirror. Nothing incomplete or unverified is ever left at `dest`.
 *
 * @param request - URLs, destination, expected checksum/size, progress callbacks
 * @param options - transport and retry options
 * @returns the URL the file came from
 * @throws GroveError from the last URL tried (its message lists every mirror's failure when there were several)
 */
export async function downloadFile(
  request: DownloadFileRequest,
  options: TransportOptions & RetryOptions,
): Promise<string> {
  const failures: GroveError[] = [];
  let attempts = 0;
  for (const url of request.urls) {
    try {
      await withRetries(
        async () => {
          if (attempts++ > 0) request.onRestart?.(failures[failures.length - 1] as GroveError, attempts - 1);
          await downloadOnce(url, request, options);
        },
        { ...options, onRetry: (error) => failures.push(error) },
      );
      return url;
    } catch (err) {
      if (!(err instanceof GroveError)) throw err;
      failures.push(err);
    }
  }
  throw combineFailures(failures, request.urls.length, options.repoId);
}

async function downloadOnce(url: string, request: DownloadFileRequest, options: TransportOptions): Promise<void> {
  const hash =
    request.checksum === undefined ? undefined : createChecksumHash(request.checksum.type, options.repoId, url);
  await mkdir(path.dirname(request.dest), { recursive: true });
  const opened = await openUrl(url, options);
  if (request.size !== undefined && opened.size !== undefined && opened.size !== request.size) {
    opened.cancel();
    throw fetchError(
      RepoErrorCode.sizeMismatch,
      options.repoId,
      url,
      `size mismatch: expected ${request.size} bytes, the server announces ${opened.size}`,
      false,
    );
  }
  const tmp = `${request.dest}.part-${process.pid}-${randomBytes(4).toString("hex")}`;
  const out = await open(tmp, "w").catch((err: unknown) => {
    opened.cancel();
    throw err;
  });
  let received = 0;
  try {
    for await (const chunk of opened.chunks) {
      received += chunk.length;
      if (request.size !== undefined && received > request.size) {
        throw fetchError(
          RepoErrorCode.sizeMismatch,
          options.repoId,
          url,
          `size mismatch: more than the expected ${request.size} bytes`,
          false,
        );
      }
      hash?.update(chunk);
      for (let at = 0; at < chunk.length; ) at += (await out.write(chunk, at)).bytesWritten;
      request.onBytes?.(chunk.length);
    }
    await out.close();
    if (request.size !== undefined && received !== request.size) {
      throw fetchError(
        RepoErrorCode.sizeMismatch,
        options.repoId,
        url,
        `size mismatch: expected ${request.size} bytes, got ${received}`,
        false,
      );
    }
    if (request.checksum !== undefined && hash !== undefined) {
      assertChecksum(request.checksum, hash.digest("hex"), options.repoId, url);
    }
    await rename(tmp, request.dest);
  } catch (err) {
    opened.cancel();
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
}

function combineFailures(failures: GroveError[], urlCount: number, repoId: string): GroveError {
  const last = failures[failures.length - 1];
  if (last === undefined) return new GroveError(RepoErrorCode.noUrl, `repo "${repoId}": no URL to download from`);
  if (urlCount <= 1) return last;
  const distinct = new Map<string, string>();
  for (const failure of failures) distinct.set(failure.subject ?? "", failure.message);
  const prefix = `repo "${repoId}": `;
  const lines = [...distinct.values()].map((m) => (m.startsWith(prefix) ? m.slice(prefix.length) : m));
  return new GroveError(last.code, `${prefix}all ${urlCount} mirrors failed: ${lines.join("; ")}`, {
    ...(last.subject === undefined ? {} : { subject: last.subject }),
    cause: last,
  });
}
