import { GroveError } from "@grove/core";
import { ByteReader } from "../io/byte-reader.js";
import { COMPRESSION_MAGIC_BYTES, detectCompressor, type PayloadCompressor } from "./compression.js";
import { decompressPayloadOn } from "./decompress.js";
import { DecompressionGuard, type PayloadLimits } from "./limits.js";
import { type ExpectedPayloadDigests, PayloadDigests } from "./payload-digests.js";
import type { PayloadStats } from "./payload-entry.js";

/**
 * Payloads announced at least this large hash their compressed stream (PAYLOADDIGEST, SIGMD5) on a worker
 * thread, in parallel with decompression and per-file hashing; smaller ones inline, without worker start-up.
 */
export const OFF_THREAD_DIGEST_THRESHOLD = 16 << 20;

/** The decompressed cpio archive of a package, with the bookkeeping of the compressed side. */
export interface ArchiveStream {
  /** The compression detected from the payload's first bytes. */
  compressor: PayloadCompressor;
  /** The decompressed archive, position 0 at its first byte. */
  archive: ByteReader;
  /** The payload digests being computed, when verifying. */
  digests: PayloadDigests | undefined;
  /** Reads (and hashes) whatever compressed bytes the decoder left, up to the end of the file. */
  drainCompressed(): Promise<void>;
}

/** What {@link openArchiveStream} needs besides the file. */
export interface ArchiveStreamOptions {
  /** The header's PAYLOADCOMPRESSOR as `RpmPackage.payloadCompressor` reports it (`gzip` when absent, as rpm reads it). */
  declaredCompressor: string;
  /** File name for messages. */
  subject: string;
  /** The header's payload digests to compute, or `undefined` when not verifying. */
  expectedDigests: ExpectedPayloadDigests | undefined;
  /** Most decompressed bytes allowed (see `payloadSizeLimit`). */
  sizeLimit: number;
  /** Decompressed size the header announces, 0 when unknown. */
  expectedSize: number;
  /** Caller overrides of the bomb limits. */
  limits: PayloadLimits | undefined;
  /** Counters to keep up to date. */
  stats: PayloadStats;
}

/** Reads up to `n` bytes (fewer only at the end of the stream). */
async function readHead(reader: ByteReader, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  while (length < n) {
    const part = await reader.readUpTo(n - length);
    if (part.length === 0) break;
    parts.push(part);
    length += part.length;
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const head = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    head.set(part, offset);
    offset += part.length;
  }
  return head;
}

/**
 * Opens the payload that follows the headers in `file`: detects the compression from its magic bytes,
 * and returns the decompressed archive as a {@link ByteReader}. Compressed bytes are counted and hashed as
 * the decoder pulls them; decompressed bytes are counted against the bomb limits and hashed.
 * @throws GroveError `RPM_TRUNCATED` when the package has no payload, `RPM_PAYLOAD_UNKNOWN_COMPRESSION`
 */
export async function openArchiveStream(file: ByteReader, options: ArchiveStreamOptions): Promise<ArchiveStream> {
  const { subject, stats } = options;
  const head = await readHead(file, COMPRESSION_MAGIC_BYTES);
  if (head.length < COMPRESSION_MAGIC_BYTES) {
    // No payload format fits in fewer bytes (the smallest, an empty uncompressed archive, has 124).
    const what = head.length === 0 ? "the payload is missing" : `the payload has only ${head.length} bytes`;
    throw new GroveError("RPM_TRUNCATED", `${subject}: the package ends after its header: ${what}`, { subject });
  }
  const compressor = detectCompressor(head, options.declaredCompressor, subject);
  stats.compressor = compressor;
  const expected = options.expectedDigests;
  const digests =
    expected === undefined
      ? undefined
      : new PayloadDigests(expected, {
          sameStream: compressor === "none",
          offThread: options.expectedSize >= OFF_THREAD_DIGEST_THRESHOLD,
        });

  const onCompressed = async (chunk: Uint8Array): Promise<void> => {
    stats.compressedBytes += chunk.length;
    const slowDown = digests?.addCompressed(chunk);
    if (slowDown !== undefined) await slowDown;
  };
  async function* compressedChunks(): AsyncGenerator<Uint8Array> {
    await onCompressed(head);
    yield head;
    for await (const chunk of file.rest()) {
      await onCompressed(chunk);
      yield chunk;
    }
  }

  const guard = new DecompressionGuard(subject, options.sizeLimit, () => stats.compressedBytes, options.limits);
  async function* decompressedChunks(): AsyncGenerator<Uint8Array> {
    const chunks = compressedChunks();
    const worker = digests?.offThreadWorker;
    for await (const chunk of decompressPayloadOn(compressor, chunks, subject, options.expectedSize, worker)) {
      guard.add(chunk.length);
      stats.payloadBytes += chunk.length;
      digests?.addDecompressed(chunk);
      yield chunk;
    }
  }

  return {
    compressor,
    archive: new ByteReader(decompressedChunks(), subject),
    digests,
    async drainCompressed(): Promise<void> {
      for await (const chunk of file.rest()) await onCompressed(chunk);
    },
  };
}
