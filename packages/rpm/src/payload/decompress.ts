import type { Worker } from "node:worker_threads";
import { GroveError, isGroveError } from "@grove/core";
import type { PayloadCompressor } from "./compression.js";
import { bunzip2 } from "./decoders/bzip2.js";
import { gunzip } from "./decoders/gzip.js";
import { unxz } from "./decoders/xz.js";
import { unzstd } from "./decoders/zstd.js";

/**
 * A streaming decompressor: compressed chunks in, decompressed chunks out. `expectedSize` (the size the header
 * announces, 0 when unknown) lets a decoder choose between decoding inline and on a worker thread.
 */
export type Decompressor = (
  input: AsyncIterable<Uint8Array>,
  expectedSize: number,
  worker: Worker | undefined,
) => AsyncIterable<Uint8Array>;

/** The decompressor for each payload compression. */
const DECOMPRESSORS: Readonly<Record<PayloadCompressor, Decompressor>> = {
  none: (input) => input,
  gzip: gunzip,
  bzip2: bunzip2,
  xz: (input, expectedSize) => unxz(input, "xz", expectedSize),
  lzma: (input, expectedSize) => unxz(input, "lzma", expectedSize),
  zstd: (input, expectedSize, worker) => unzstd(input, expectedSize, worker),
};

/** Error texts of the decoders that mean "the input ended too early". */
const TRUNCATION_PATTERNS = [/unexpected end/i, /ended prematurely/i, /in the middle of/i, /did not end/i];
const TRUNCATION_CODES = new Set(["Z_BUF_ERROR", "LZMA_BUF_ERROR"]);

/** True when a decoder error says its input was cut short. */
function isTruncation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, name } = err as Error & { code?: unknown };
  if (typeof code === "string" && TRUNCATION_CODES.has(code)) return true;
  if (TRUNCATION_CODES.has(name) || name === "ZstdTruncatedError" || name === "Bzip2TruncatedError") return true;
  return TRUNCATION_PATTERNS.some((pattern) => pattern.test(err.message));
}

/** Error names/texts of the decoders that mean "this stream needs more memory than allowed". */
const MEMORY_NAMES = new Set(["LZMA_MEMLIMIT_ERROR", "LZMA_MEM_ERROR"]);
const MEMORY_PATTERN = /too much memory|memory usage limit/i;

/** True when a decoder refused the stream for the memory it would need (xz dictionary, zstd window). */
function isMemoryRefusal(err: unknown): boolean {
  return err instanceof Error && (MEMORY_NAMES.has(err.name) || MEMORY_PATTERN.test(err.message));
}

/** True when loading the decoder's module itself failed (missing or unbuildable native dependency). */
function isLoadFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  if ((err as Error | undefined)?.name === "XzUnavailableError") return true;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || code === "ERR_DLOPEN_FAILED";
}

/** Turns a decoder's own error into a {@link GroveError}; GroveErrors (from the input side) pass unchanged. */
export function decoderError(err: unknown, compressor: PayloadCompressor, subject: string): unknown {
  if (isGroveError(err)) return err;
  const detail = err instanceof Error ? err.message : String(err);
  if (isLoadFailure(err)) {
    return new GroveError(
      "RPM_PAYLOAD_DECOMPRESSOR_UNAVAILABLE",
      `${subject}: cannot load the ${compressor} decompressor: ${detail}`,
      { subject, cause: err, hint: "Reinstall @grove/rpm's dependencies (zstd-napi needs a C++ toolchain to build)." },
    );
  }
  if (isMemoryRefusal(err)) {
    return new GroveError(
      "RPM_PAYLOAD_TOO_LARGE",
      `${subject}: the ${compressor} payload needs more decoder memory than grove allows (${detail})`,
      { subject, cause: err, hint: "rpm refuses such payloads too; the package is corrupt or hostile." },
    );
  }
  if (isTruncation(err)) {
    return new GroveError("RPM_TRUNCATED", `${subject}: the ${compressor} payload ends too early (${detail})`, {
      subject,
      cause: err,
    });
  }
  return new GroveError("RPM_PAYLOAD_CORRUPT", `${subject}: the ${compressor} payload is corrupt: ${detail}`, {
    subject,
    cause: err,
  });
}

/**
 * Decompresses a payload stream. Every error of the decoder becomes a GroveError (`RPM_TRUNCATED`,
 * `RPM_PAYLOAD_CORRUPT`, `RPM_PAYLOAD_TOO_LARGE` for streams needing too much decoder memory, or
 * `RPM_PAYLOAD_DECOMPRESSOR_UNAVAILABLE`); errors of the input pass through unchanged.
 * @param compressor - the payload's compression, from {@link detectCompressor}
 * @param input - the compressed payload
 * @param subject - file name for messages
 * @param expectedSize - decompressed size announced by the header, 0 when unknown
 */
export function decompressPayload(
  compressor: PayloadCompressor,
  input: AsyncIterable<Uint8Array>,
  subject: string,
  expectedSize = 0,
): AsyncGenerator<Uint8Array> {
  return decompressPayloadOn(compressor, input, subject, expectedSize, undefined);
}

/**
 * {@link decompressPayload}, where a decoder that works on a payload worker (zstd, for large payloads) uses
 * `worker` when given: the worker already hashing this payload's compressed stream (see `payload-worker.ts`).
 */
export async function* decompressPayloadOn(
  compressor: PayloadCompressor,
  input: AsyncIterable<Uint8Array>,
  subject: string,
  expectedSize: number,
  worker: Worker | undefined,
): AsyncGenerator<Uint8Array> {
  try {
    yield* DECOMPRESSORS[compressor](input, expectedSize, worker);
  } catch (err) {
    throw decoderError(err, compressor, subject);
  }
}
