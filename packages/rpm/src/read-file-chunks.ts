import type { FileHandle } from "node:fs/promises";
import { GroveError } from "@grove/core";

/** Read size for package files: large reads keep the per-chunk cost of the payload pipeline low. */
export const FILE_CHUNK_SIZE = 1 << 20;

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
  const readAt = async (at: number): Promise<Uint8Array> => {
    const buffer = Buffer.from(new SharedArrayBuffer(chunkSize));
    try {
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, at);
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
