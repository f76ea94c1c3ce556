import { createHash, type Hash } from "node:crypto";

/**
 * Wraps a byte stream and hashes (sha256) every chunk that passes through, so a package's digest
 * comes out of the same single read that imports it.
 */
export class HashingSource implements AsyncIterable<Uint8Array>, AsyncIterator<Uint8Array> {
  private readonly hash: Hash = createHash("sha256");
  private readonly inner: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private finished = false;
  /** Bytes seen so far. */
  bytes = 0;

  /** @param source - the stream to hash while it is read */
  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.inner =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this;
  }

  /** Reads and hashes the next chunk. */
  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.finished) return { done: true, value: undefined };
    const r = await this.inner.next();
    if (r.done) this.finished = true;
    else {
      this.hash.update(r.value);
      this.bytes += r.value.length;
    }
    return r;
  }

  /** Reads (and hashes) whatever the consumer left unread, then returns the sha256 of the whole stream. */
  async digest(): Promise<string> {
    while (!this.finished) await this.next();
    return this.hash.digest("hex");
  }
}
