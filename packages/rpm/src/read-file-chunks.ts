import type { FileHandle } from "node:fs/promises";
import { GroveError } from "@grove/core";

/** Read size for package files: large reads keep the per-chunk cost of the payload pipeline low. */
export const FILE_CHUNK_SIZE = 1 << 20;

/** Smallest read: past the size the file had when reading began (to see whether it ended there). */
const MIN_READ_SIZE = 4 << 10;

/**
 * The bytes of an open file as chunks, with the next read already under way while the consumer works on
 * the current chunk (a Node read stream only starts reading when its buffer empties, so reading and
 * processing would take turns). Every chunk owns its memory, a `SharedArrayBuffer`: worker threads that
 * hash or decode the package read it in place instead of getting a copy. Chunks are never reused or
 * written to by grove.
 * @param handle - the file, read from its start to its end
 * @param subject - the file's name, for messages
 * @param chunkSize - bytes per read
 * @throws GroveError `RPM_READ_FAILED` when a read fails
 */
export async function* readFileChunks(
  handle: FileHandle,
  subject: string,
  chunkSize = FILE_CHUNK_SIZE,
): AsyncGenerator<Uint8Array> {
  let position = 0;
  let size: number | undefined;
  const readAt = async (at: number): Promise<Uint8Array> => {
    try {
      if (size === undefined) {
        const stat = await handle.stat();
        size = stat.isFile() ? stat.size : Number.POSITIVE_INFINITY;
      }
      // Buffers sized to what is left: a small package does not cost a 1 MiB allocation.
      // Reading goes on until a read returns nothing, in case the file grew.
      const want = Math.min(chunkSize, Math.max(MIN_READ_SIZE, size - at));
      const buffer = Buffer.from(new SharedArrayBuffer(want));
      const { bytesRead } = await handle.read(buffer, 0, want, at);
      return buffer.subarray(0, bytesRead);
    } catch (err) {
      throw new GroveError("RPM_READ_FAILED", `${subject}: cannot read at offset ${at}: ${(err as Error).message}`, {
        subject,
        cause: err,
      });
    }
  };
  let next = readAt(0);
  try {
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) return;
      position += chunk.length;
      next = readAt(position);
      yield chunk;
    }
  } finally {
    // A read still under way when the consumer stops must not surface as an unhandled rejection.
    next.catch(() => undefined);
  }
}
