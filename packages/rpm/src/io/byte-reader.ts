import { GroveError } from "@grove/core";

/** Anything grove can read package bytes from. */
export type ByteSource = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Pulls exact byte counts out of a chunked stream, keeping track of the position.
 * Internal: shared by the header and payload readers.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private buffered: Uint8Array[] = [];
  private bufferedLength = 0;
  private ended = false;
  /** Number of bytes handed out so far. */
  position = 0;

  /**
   * @param source - the bytes to read
   * @param subject - file name used in error messages
   */
  constructor(
    source: ByteSource,
    readonly subject: string,
  ) {
    if (source instanceof Uint8Array) {
      this.iterator = [source][Symbol.iterator]();
    } else if (Symbol.asyncIterator in source) {
      this.iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    } else {
      this.iterator = (source as Iterable<Uint8Array>)[Symbol.iterator]();
    }
  }

  private async fill(min: number): Promise<boolean> {
    while (this.bufferedLength < min && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk = next.value;
      if (chunk.length === 0) continue;
      this.buffered.push(chunk);
      this.bufferedLength += chunk.length;
    }
    return this.bufferedLength >= min;
  }

  /** Reads exactly `n` bytes; throws `RPM_TRUNCATED` if the stream ends first. */
  async read(n: number, what = "data"): Promise<Uint8Array> {
    if (!(await this.fill(n))) {
      throw new GroveError(
        "RPM_TRUNCATED",
        `${this.subject}: truncated while reading ${what} (wanted ${n} bytes at offset ${this.position}, only ${this.bufferedLength} left)`,
        { subject: this.subject },
      );
    }
    return this.take(n);
  }

  /** Reads up to `n` bytes (fewer only at end of stream); an empty result means end of stream. */
  async readUpTo(n: number): Promise<Uint8Array> {
    if (this.bufferedLength === 0) await this.fill(1);
    return this.take(Math.min(n, this.bufferedLength));
  }

  /** Skips exactly `n` bytes; throws `RPM_TRUNCATED` if the stream ends first. */
  async skip(n: number, what = "data"): Promise<void> {
    let left = n;
    while (left > 0) {
      const chunk = await this.readUpTo(Math.min(left, 1 << 20));
      if (chunk.length === 0) {
        throw new GroveError(
          "RPM_TRUNCATED",
          `${this.subject}: truncated while skipping ${what} at offset ${this.position}`,
          {
            subject: this.subject,
          },
        );
      }
      left -= chunk.length;
    }
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Everything not read yet, as chunks (consumes the reader). */
  async *rest(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const chunk = await this.readUpTo(1 << 20);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  private take(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const first = this.buffered[0];
    if (first !== undefined && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.buffered.shift();
      else this.buffered[0] = first.subarray(n);
      this.bufferedLength -= n;
      this.position += n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.buffered[0] as Uint8Array;
      const need = n - filled;
      if (chunk.length <= need) {
        out.set(chunk, filled);
        filled += chunk.length;
        this.buffered.shift();
      } else {
        out.set(chunk.subarray(0, need), filled);
        this.buffered[0] = chunk.subarray(need);
        filled += need;
      }
    }
    this.bufferedLength -= n;
    this.position += n;
    return out;
  }
}
