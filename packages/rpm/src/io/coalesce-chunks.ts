/** Size of the chunks {@link coalesceChunks} makes by default. */
export const COALESCED_CHUNK_SIZE = 256 << 10;

/**
 * Regroups a stream of small chunks (as network reads deliver them, 16–64 KiB) into chunks of `size` bytes
 * (the last one shorter), each owning a `SharedArrayBuffer` like the package file reader's chunks: every layer
 * of the import pays its per-chunk cost (hashing calls, decoder calls, messages to worker threads) a few times
 * less often, and worker threads read the chunks in place instead of getting copies. The bytes are copied
 * once, which costs far less than what it saves. Chunks are never reused or written to once yielded.
 * @param source - the stream
 * @param size - bytes per chunk yielded (at least 1)
 */
export async function* coalesceChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size = COALESCED_CHUNK_SIZE,
): AsyncGenerator<Uint8Array> {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`coalesceChunks: bad size ${size}`);
  let buffer: Buffer | undefined;
  let filled = 0;
  for await (const chunk of source) {
    for (let at = 0; at < chunk.length; ) {
      buffer ??= Buffer.from(new SharedArrayBuffer(size));
      const n = Math.min(size - filled, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === size) {
        yield buffer;
        buffer = undefined;
        filled = 0;
      }
    }
  }
  if (buffer !== undefined && filled > 0) yield buffer.subarray(0, filled);
}
