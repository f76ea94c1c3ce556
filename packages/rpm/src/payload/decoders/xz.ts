import type { Transform } from "node:stream";
import { throughNodeTransform } from "./node-transform.js";
import { unxzWithProcess, xzProgram } from "./xz-process.js";

/**
 * liblzma refuses streams needing more decoder memory than this (xz -9 needs 65 MiB; LZMA2 allows 1.5 GiB
 * dictionaries, which a hostile payload could ask for).
 */
export const XZ_MEMORY_LIMIT = 512 << 20;

/** liblzma output buffer size per call. */
const XZ_BUFFER_SIZE = 1 << 20;

/**
 * Decoded bytes the decoder may run ahead of the consumer: lets liblzma's thread keep decoding while the
 * main thread parses and hashes (with Node's 16 KiB default the two take turns).
 */
const XZ_READ_AHEAD = 8 << 20;

interface LzmaNative {
  createStream(coder: "streamDecoder" | "aloneDecoder", options: Record<string, unknown>): Transform;
}

let lzmaNative: Promise<LzmaNative> | undefined;

/** Loads lzma-native lazily, so that packages never needing it do not pay for its native module. */
function loadLzmaNative(): Promise<LzmaNative> {
  lzmaNative ??= import("lzma-native").then((m) => (m.default ?? m) as unknown as LzmaNative);
  return lzmaNative;
}

/**
 * Payloads announced smaller than this are decoded in-process: starting the `xz` process costs the calling
 * thread ~15 ms of CPU (forking a large process), more than lzma-native needs for a megabyte.
 */
export const XZ_PROCESS_THRESHOLD = 1 << 20;

/**
 * Decompresses an `.xz` stream (format `"xz"`) or an LZMA-alone stream (format `"lzma"`): through the system's
 * `xz` program when there is one and the payload is announced as at least {@link XZ_PROCESS_THRESHOLD} or of
 * unknown size ({@link unxzWithProcess}: another core, a faster liblzma), else in-process with lzma-native
 * ({@link unxzWithLzmaNative}). Both check the stream's integrity check, including the SHA-256 check rpm
 * writes, and produce the same bytes.
 * @param expectedSize - decompressed size the header announces, 0 when unknown
 */
export function unxz(
  input: AsyncIterable<Uint8Array>,
  format: "xz" | "lzma",
  expectedSize = 0,
): AsyncGenerator<Uint8Array> {
  const program = expectedSize > 0 && expectedSize < XZ_PROCESS_THRESHOLD ? undefined : xzProgram();
  return program === undefined
    ? unxzWithLzmaNative(input, format)
    : unxzWithProcess(input, format, program, XZ_MEMORY_LIMIT);
}

/**
 * Decompresses an `.xz` or LZMA-alone stream with liblzma through lzma-native, which decodes on a libuv
 * thread. The fallback of {@link unxz} when there is no `xz` program.
 */
export async function* unxzWithLzmaNative(
  input: AsyncIterable<Uint8Array>,
  format: "xz" | "lzma",
): AsyncGenerator<Uint8Array> {
  const lzma = await loadLzmaNative();
  const decoder = lzma.createStream(format === "xz" ? "streamDecoder" : "aloneDecoder", {
    memlimit: XZ_MEMORY_LIMIT,
    bufsize: XZ_BUFFER_SIZE,
    readableHighWaterMark: XZ_READ_AHEAD,
  });
  yield* throughNodeTransform(ownMemory(input), decoder);
}

/** lzma-native's native side refuses views of a `SharedArrayBuffer` (as file chunks are): those are copied. */
async function* ownMemory(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) yield chunk.buffer instanceof SharedArrayBuffer ? Buffer.from(chunk) : chunk;
}
