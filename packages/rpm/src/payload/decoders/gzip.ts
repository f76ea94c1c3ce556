import { createGunzip, type ZlibOptions } from "node:zlib";
import { throughNodeTransform } from "./node-transform.js";

/** zlib output chunk size; the 16 KiB default costs up to half the throughput (docs/dependencies.md). */
const GUNZIP_CHUNK_SIZE = 1 << 20;

/** Decoded bytes zlib may run ahead of the consumer, so inflating (thread pool) overlaps with hashing. */
const GUNZIP_READ_AHEAD = 2 << 20;

/**
 * Decompresses a gzip stream with `node:zlib` (which runs on the libuv thread pool, so it overlaps with the
 * hashing done on the main thread). Concatenated members are accepted, as gzip itself does.
 */
export function gunzip(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  return throughNodeTransform(
    input,
    createGunzip({ chunkSize: GUNZIP_CHUNK_SIZE, readableHighWaterMark: GUNZIP_READ_AHEAD } as ZlibOptions),
  );
}
