import type { Hash } from "node:crypto";
import { GroveError } from "@grove/core";
import type { ByteReader } from "../io/byte-reader.js";
import type { RpmFile } from "../types.js";
import { sameHexDigest } from "./digests.js";

/** Largest chunk handed to a consumer (chunks are views of the decompressor's output, not copies). */
const MAX_CONTENT_CHUNK = 1 << 20;

/** What {@link FileContent} checks once all data went through. */
export interface ContentCheck {
  /** Header digest to compare with, or `undefined` to skip. */
  digest: { hash: Hash; expected: string } | undefined;
  /** cpio "crc" format byte-sum to compare with, or `undefined` to skip. */
  crc: number | undefined;
  /** Package label for messages (`file.rpm (name-1.0-1.x86_64)`). */
  label: string;
  /** File name for `subject`. */
  subject: string;
}

/**
 * The data of one regular file in the payload, read straight from the archive stream: iterating yields
 * it (once), {@link FileContent.finish} drains whatever the consumer left. Either way the digest (and the
 * cpio crc) is checked exactly once, when the last byte has passed.
 */
export class FileContent implements AsyncIterable<Uint8Array> {
  private remaining: number;
  private sum = 0;
  private checked = false;

  /**
   * @param reader - the cpio archive stream, at the first data byte
   * @param file - the header's file
   * @param size - data bytes in the archive
   * @param check - what to verify at the end
   */
  constructor(
    private readonly reader: ByteReader,
    private readonly file: RpmFile,
    size: number,
    private readonly check: ContentCheck,
  ) {
    this.remaining = size;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    while (this.remaining > 0) yield await this.nextChunk();
    this.verify();
  }

  /** Reads and verifies whatever the consumer did not read. */
  async finish(): Promise<void> {
    while (this.remaining > 0) await this.nextChunk();
    this.verify();
  }

  private async nextChunk(): Promise<Uint8Array> {
    const chunk = await this.reader.readUpTo(Math.min(this.remaining, MAX_CONTENT_CHUNK));
    if (chunk.length === 0) {
      throw new GroveError(
        "RPM_TRUNCATED",
        `${this.check.label}: the payload ends inside the data of ${this.file.path} (${this.remaining} bytes missing)`,
        { subject: this.check.subject },
      );
    }
    this.remaining -= chunk.length;
    this.check.digest?.hash.update(chunk);
    if (this.check.crc !== undefined) {
      let sum = this.sum;
      for (let i = 0; i < chunk.length; i++) sum = (sum + (chunk[i] as number)) >>> 0;
      this.sum = sum;
    }
    return chunk;
  }

  private verify(): void {
    if (this.checked) return;
    this.checked = true;
    const { digest, crc, label, subject } = this.check;
    if (digest !== undefined) {
      const actual = digest.hash.digest("hex");
      if (!sameHexDigest(actual, digest.expected)) {
        throw new GroveError(
          "RPM_FILE_DIGEST_MISMATCH",
          `${label}: the content of ${this.file.path} does not match the header digest (got ${actual}, header says ${digest.expected})`,
          { subject, hint: "The package is corrupt or was tampered with." },
        );
      }
    }
    if (crc !== undefined && crc !== this.sum) {
      throw new GroveError(
        "RPM_FILE_DIGEST_MISMATCH",
        `${label}: the content of ${this.file.path} does not match its cpio checksum (got ${this.sum}, archive says ${crc})`,
        { subject },
      );
    }
  }
}
