import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { RepoErrorCode } from "../errors.js";
import { fetchError, RepoFetchError } from "./fetch-error.js";

/** How to reach the network. */
export interface TransportOptions {
  /** Repository id, for error messages. */
  repoId: string;
  /** Milliseconds to wait for the response headers, and then for each next piece of the body. */
  timeoutMs: number;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/** An opened URL: its body as a stream of chunks. */
export interface OpenedUrl {
  /** The URL opened. */
  url: string;
  /** Body length when known (Content-Length or file size). */
  size: number | undefined;
  /** The body. Iterate it once; breaking out early releases the connection. */
  chunks: AsyncIterable<Uint8Array>;
  /** Release the connection without reading the body. */
  cancel(): void;
}

export { DEFAULT_TIMEOUT_MS } from "../network-defaults.js";

/**
 * Open `url` (`file:`, `http:` or `https:`) for reading.
 *
 * @param url - absolute URL
 * @param options - repository id, timeout, fetch implementation
 * @throws RepoFetchError (a GroveError) `REPO_NOT_FOUND`, `REPO_HTTP_STATUS`, `REPO_TIMEOUT`, `REPO_NETWORK`,
 *   `REPO_IO` or `REPO_UNSUPPORTED_URL`; reading `chunks` can throw the same
 */
export async function openUrl(url: string, options: TransportOptions): Promise<OpenedUrl> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw fetchError(RepoErrorCode.unsupportedUrl, options.repoId, url, "not a valid URL", false);
  }
  if (parsed.protocol === "file:") return openFile(parsed, url, options);
  if (parsed.protocol === "http:" || parsed.protocol === "https:") return openHttp(url, options);
  throw fetchError(
    RepoErrorCode.unsupportedUrl,
    options.repoId,
    url,
    `unsupported URL scheme "${parsed.protocol}" (use file://, http:// or https://)`,
    false,
  );
}

/**
 * Fetch a whole (small) resource into memory.
 *
 * @param url - absolute URL
 * @param options - transport options
 * @param maxBytes - refuse bodies larger than this (default 64 MiB)
 * @throws RepoFetchError as {@link openUrl}, or `REPO_SIZE_MISMATCH` when larger than `maxBytes`
 */
export async function fetchBytes(url: string, options: TransportOptions, maxBytes = 64 << 20): Promise<Buffer> {
  const opened = await openUrl(url, options);
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of opened.chunks) {
    total += chunk.length;
    if (total > maxBytes) {
      throw fetchError(
        RepoErrorCode.sizeMismatch,
        options.repoId,
        url,
        `larger than the ${maxBytes}-byte limit`,
        false,
      );
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

async function openFile(parsed: URL, url: string, options: TransportOptions): Promise<OpenedUrl> {
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch (err) {
    throw fetchError(RepoErrorCode.unsupportedUrl, options.repoId, url, "not a local file URL", false, { cause: err });
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw fetchError(RepoErrorCode.io, options.repoId, url, "not a regular file", false);
    size = info.size;
  } catch (err) {
    throw mapFileError(err, url, options.repoId);
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
    } catch (err) {
      throw mapFileError(err, url, options.repoId);
    }
  }
  return { url, size, chunks: chunks(), cancel: () => undefined };
}

function mapFileError(err: unknown, url: string, repoId: string): unknown {
  if (err instanceof RepoFetchError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") {
    return fetchError(RepoErrorCode.notFound, repoId, url, "file not found", false, { cause: err });
  }
  return fetchError(RepoErrorCode.io, repoId, url, `cannot read: ${(err as Error).message}`, false, { cause: err });
}

async function openHttp(url: string, options: TransportOptions): Promise<OpenedUrl> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const controller = new AbortController();
  const external = options.signal;
  const onAbort = (): void => controller.abort(external?.reason);
  external?.addEventListener("abort", onAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  timer.unref();
  const cleanup = (): void => {
    clearTimeout(timer);
    external?.removeEventListener("abort", onAbort);
  };
  const fail = (err: unknown, phase: "connect" | "body"): unknown =>
    mapHttpError(err, url, options, phase, timedOut, external?.aborted === true);

  let response: Response;
  try {
    response = await fetchImpl(url, {
      signal: controller.signal,
      redirect: "follow",
      headers: { "accept-encoding": "identity" },
    });
  } catch (err) {
    cleanup();
    throw fail(err, "connect");
  }
  if (!response.ok) {
    cleanup();
    await response.body?.cancel().catch(() => undefined);
    throw statusError(response.status, response.statusText, url, options.repoId);
  }
  const lengthHeader = response.headers.get("content-length");
  const size = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  const body = response.body;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let received = 0;
    let finished = false;
    try {
      timer.refresh();
      if (body !== null) {
        for await (const chunk of body) {
          received += chunk.length;
          timer.refresh();
          yield chunk;
        }
      }
      finished = true;
    } catch (err) {
      throw fail(err, "body");
    } finally {
      if (!finished) controller.abort();
      cleanup();
    }
    if (size !== undefined && received !== size) {
      throw fetchError(
        RepoErrorCode.network,
        options.repoId,
        url,
        `connection closed after ${received} of ${size} bytes`,
        true,
      );
    }
  }
  const cancel = (): void => {
    controller.abort();
    cleanup();
  };
  return { url, size, chunks: chunks(), cancel };
}

function statusError(status: number, statusText: string, url: string, repoId: string): RepoFetchError {
  const text = `HTTP ${status}${statusText === "" ? "" : ` ${statusText}`}`;
  if (status === 404 || status === 410) return fetchError(RepoErrorCode.notFound, repoId, url, text, false, { status });
  const transient = status >= 500 || status === 429 || status === 408;
  return fetchError(RepoErrorCode.httpStatus, repoId, url, text, transient, { status });
}

function mapHttpError(
  err: unknown,
  url: string,
  options: TransportOptions,
  phase: "connect" | "body",
  timedOut: boolean,
  cancelled: boolean,
): unknown {
  if (err instanceof RepoFetchError) return err;
  if (cancelled) return err;
  if (timedOut) {
    const what =
      phase === "connect"
        ? `no response within ${options.timeoutMs / 1000} s`
        : `no data received for ${options.timeoutMs / 1000} s`;
    return fetchError(RepoErrorCode.timeout, options.repoId, url, `timed out: ${what}`, true, { cause: err });
  }
  const cause = (err as { cause?: unknown }).cause;
  const detail = describeCause(cause) ?? (err as Error).message;
  const what = phase === "connect" ? `cannot connect: ${detail}` : `connection broken while downloading: ${detail}`;
  return fetchError(RepoErrorCode.network, options.repoId, url, what, true, { cause: err });
}

function describeCause(cause: unknown): string | undefined {
  if (cause === undefined || cause === null || typeof cause !== "object") return undefined;
  const { code, message } = cause as { code?: unknown; message?: unknown };
  if (typeof code === "string" && typeof message === "string") return `${code} (${message})`;
  if (typeof message === "string") return message;
  return undefined;
}
