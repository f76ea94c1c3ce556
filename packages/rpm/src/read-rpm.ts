import { open } from "node:fs/promises";
import { GroveError } from "@grove/core";
import { type PackageHeaders, readPackageHeaders } from "./header/index.js";
import { ByteReader, type ByteSource } from "./io/byte-reader.js";
import type { PayloadCompressor } from "./payload/compression.js";
import type { PayloadLimits } from "./payload/limits.js";
import type { PayloadEntry, PayloadStats } from "./payload/payload-entry.js";
import { readPayloadEntries } from "./payload/payload-reader.js";
import { readFileChunks } from "./read-file-chunks.js";
import type { RpmPackage } from "./types.js";

export type { PayloadCompressor } from "./payload/compression.js";
export type { PayloadLimits } from "./payload/limits.js";
export type { PayloadEntry, PayloadStats } from "./payload/payload-entry.js";

/** Options of {@link openRpm}. */
export interface OpenRpmOptions {
  /**
   * Verify the header digests, every file's digest, symlink targets and the payload digests (PAYLOADDIGEST,
   * SIGMD5, and PAYLOADDIGESTALT where it can change the verdict: see `needsUncompressedDigest`). Default
   * `true`. Structure checks and bomb limits always apply.
   */
  verify?: boolean;
  /** Name of the package in messages (a file name or URL); default `"<stream>"`. */
  subject?: string;
  /** Decompression-bomb limit overrides. */
  limits?: PayloadLimits;
}

/** An opened package: headers read, payload not yet. */
export interface RpmReader {
  /** The package as its header describes it. */
  pkg: RpmPackage;
  /** Everything in front of the payload. */
  headers: PackageHeaders;
  /**
   * The payload's entries, streamed and verified (see {@link PayloadEntry}). Can be called once.
   * A file's content should be consumed before the next entry is asked for; what is left is drained and verified.
   */
  entries(): AsyncGenerator<PayloadEntry>;
  /** Counters of the payload read so far (compressor, bytes, entries); final once `entries()` is exhausted. */
  readonly stats: Readonly<PayloadStats>;
}

/** What {@link readRpmFile} found. */
export interface ReadRpmResult {
  /** The package as its header describes it. */
  pkg: RpmPackage;
  /** Everything in front of the payload. */
  headers: PackageHeaders;
  /** The payload compression detected from its magic bytes. */
  payloadCompressor: PayloadCompressor;
  /** Size of the compressed payload. */
  compressedBytes: number;
  /** Size of the decompressed payload (the cpio archive). */
  payloadBytes: number;
  /** Number of payload entries (files, hard links, directories, symlinks, ...). */
  fileCount: number;
}

/**
 * Opens an RPM package from bytes or a stream: reads (and with `verify`, checks) its headers and returns a
 * reader for the payload. Memory stays bounded: the payload is streamed, never held whole.
 * @example
 * ```ts
 * const rpm = await openRpm(createReadStream("bash.rpm"), { subject: "bash.rpm" });
 * for await (const entry of rpm.entries()) {
 *   if (entry.type === "file") for await (const chunk of entry.content) sink.write(chunk);
 * }
 * ```
 * @throws GroveError from the header reader (`RPM_BAD_MAGIC`, `RPM_DIGEST_MISMATCH`, ...); payload errors
 *   (`RPM_FILE_DIGEST_MISMATCH`, `RPM_PAYLOAD_*`, `RPM_TRUNCATED`) come from iterating `entries()`
 */
export async function openRpm(source: ByteSource, options: OpenRpmOptions = {}): Promise<RpmReader> {
  const verify = options.verify ?? true;
  const reader = new ByteReader(source, options.subject ?? "<stream>");
  const headers = await readPackageHeaders(reader, { verify });
  const stats: PayloadStats = { compressor: undefined, compressedBytes: 0, payloadBytes: 0, entryCount: 0 };
  let started = false;
  return {
    pkg: headers.pkg,
    headers,
    stats,
    entries(): AsyncGenerator<PayloadEntry> {
      if (started) {
        throw new GroveError("RPM_PAYLOAD_ALREADY_READ", `${reader.subject}: the payload can be read only once`, {
          subject: reader.subject,
        });
      }
      started = true;
      return readPayloadEntries(reader, headers, stats, { verify, limits: options.limits });
    },
  };
}

/**
 * Reads a whole package file, verifying header, payload and every file digest (unless `verify: false`)
 * and discarding the content. Useful to check a package, and as the measure of grove's payload speed.
 * @throws GroveError `RPM_READ_FAILED` when the file cannot be opened, and everything {@link openRpm} throws
 */
export async function readRpmFile(
  path: string,
  options: { verify?: boolean; limits?: PayloadLimits } = {},
): Promise<ReadRpmResult> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (err) {
    throw new GroveError("RPM_READ_FAILED", `${path}: cannot open: ${(err as Error).message}`, {
      subject: path,
      cause: err,
    });
  }
  try {
    if ((await handle.stat()).isDirectory()) {
      throw new GroveError("RPM_READ_FAILED", `${path}: cannot read: it is a directory`, { subject: path });
    }
    const rpm = await openRpm(readFileChunks(handle, path), { ...options, subject: path });
    for await (const entry of rpm.entries()) {
      // Content is drained and verified by the reader when the next entry is requested.
      void entry;
    }
    return {
      pkg: rpm.pkg,
      headers: rpm.headers,
      payloadCompressor: rpm.stats.compressor ?? "none",
      compressedBytes: rpm.stats.compressedBytes,
      payloadBytes: rpm.stats.payloadBytes,
      fileCount: rpm.stats.entryCount,
    };
  } finally {
    await handle.close();
  }
}
