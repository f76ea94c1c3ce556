import { GroveError } from "@grove/core";
import type { Hash } from "node:crypto";
import type { DigestAlgorithm } from "../types.js";
import { createDigest, sameHexDigest } from "./digests.js";

/** The payload-level digests a package header declares (see the header reader's `PackageHeaders`). */
export interface ExpectedPayloadDigests {
  /** PAYLOADDIGEST (over the compressed payload) and PAYLOADDIGESTALT (over the cpio archive), hex. */
  payloadDigest?: { algorithm: DigestAlgorithm; compressed?: string; uncompressed?: string };
  /** SIGMD5: md5 over the main header bytes followed by the compressed payload, hex. */
  legacyMd5?: string;
  /** The main header exactly as in the file (input of the legacy md5). */
  headerBytes: Uint8Array;
}

interface PendingCheck {
  hash: Hash;
  expected: string;
  what: string;
}

/**
 * Hashes the compressed and the decompressed payload as they stream, for the digests the header declares,
 * and compares them at the end.
 */
export class PayloadDigests {
  private readonly compressed: PendingCheck[] = [];
  private readonly decompressed: PendingCheck[] = [];

  /** @param expected - the header's digests; nothing is hashed for those it lacks */
  constructor(expected: ExpectedPayloadDigests) {
    const digest = expected.payloadDigest;
    if (digest?.compressed !== undefined) {
      this.compressed.push({
        hash: createDigest(digest.algorithm),
        expected: digest.compressed,
        what: `payload ${digest.algorithm} digest (PAYLOADDIGEST)`,
      });
    }
    if (expected.legacyMd5 !== undefined) {
      const hash = createDigest("md5").update(expected.headerBytes);
      this.compressed.push({ hash, expected: expected.legacyMd5, what: "header+payload md5 (SIGMD5)" });
    }
    if (digest?.uncompressed !== undefined) {
      this.decompressed.push({
        hash: createDigest(digest.algorithm),
        expected: digest.uncompressed,
        what: `uncompressed payload ${digest.algorithm} digest (PAYLOADDIGESTALT)`,
      });
    }
  }

  /** True when the decompressed stream needs hashing. */
  get hashesDecompressed(): boolean {
    return this.decompressed.length > 0;
  }

  /** Feeds compressed payload bytes. */
  addCompressed(chunk: Uint8Array): void {
    for (const check of this.compressed) check.hash.update(chunk);
  }

  /** Feeds decompressed payload bytes. */
  addDecompressed(chunk: Uint8Array): void {
    for (const check of this.decompressed) check.hash.update(chunk);
  }

  /**
   * Compares every digest, once the whole payload went through.
   * @throws GroveError `RPM_PAYLOAD_DIGEST_MISMATCH` naming the first digest that differs
   */
  verify(label: string, subject: string): void {
    for (const check of [...this.compressed, ...this.decompressed]) {
      const actual = check.hash.digest("hex");
      if (!sameHexDigest(actual, check.expected)) {
        throw new GroveError(
          "RPM_PAYLOAD_DIGEST_MISMATCH",
          `${label}: the ${check.what} does not match (got ${actual}, header says ${check.expected})`,
          { subject, hint: "The package is corrupt or was tampered with." },
        );
      }
    }
  }
}
