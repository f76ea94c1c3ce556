/** A chunk ready for `postMessage`: the value to send and what to transfer with it. */
export interface PostableChunk {
  /** The bytes to send. */
  chunk: Uint8Array;
  /** Buffers to transfer (empty when the chunk is shared memory). */
  transfer: ArrayBuffer[];
}

/**
 * Prepares a chunk for a worker thread. A chunk backed by a `SharedArrayBuffer` (as the package file reader
 * makes them) is sent as it is: both threads then see the same memory, nothing is copied. Any other chunk
 * is copied compactly and the copy transferred (cloning a view would copy its whole underlying buffer, and
 * transferring the original would take it away from the caller). Shared chunks must not be modified while
 * the worker still reads them; nothing in grove writes into a chunk once it has been read.
 */
export function postableChunk(chunk: Uint8Array): PostableChunk {
  if (chunk.buffer instanceof SharedArrayBuffer) return { chunk, transfer: [] };
  const copy = new Uint8Array(chunk);
  return { chunk: copy, transfer: [copy.buffer] };
}
