import type { Hash } from "node:crypto";
import { GroveError } from "@grove/core";
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

interface Check {
  hash: Hash;
  expected: string;
  what: string;
}

/**
 * Hashes the compressed and the decompressed payload as they stream, for the digests the header declares,
 * and compares them at the end with rpm's rules: SIGMD5 must match; PAYLOADDIGEST and PAYLOADDIGESTALT are
 * alternatives (rpm accepts a package whose payload was recompressed as long as the digest of the
 * uncompressed archive still matches, and the other way round).
 */
export class PayloadDigests {
  private readonly compressedDigest: Check | undefined;
  private readonly uncompressedDigest: Check | undefined;
  private readonly legacyMd5: Check | undefined;
  /** False when the uncompressed digest shares the compressed one's hash. */
  private readonly hashUncompressed: boolean;

  /**
   * @param expected - the header's digests; nothing is hashed for those it lacks
   * @param sameStream - the payload is not compressed (as detected from its bytes): one hash then serves both
   *   PAYLOADDIGEST and PAYLOADDIGESTALT
   */
  constructor(expected: ExpectedPayloadDigests, sameStream: boolean) {
    const digest = expected.payloadDigest;
    if (digest?.compressed !== undefined) {
      this.compressedDigest = {
        hash: createDigest(digest.algorithm),
        expected: digest.compressed,
        what: `payload ${digest.algorithm} digest (PAYLOADDIGEST)`,
      };
    }
    const shared = sameStream ? this.compressedDigest?.hash : undefined;
    this.hashUncompressed = shared === undefined;
    if (digest?.uncompressed !== undefined) {
      this.uncompressedDigest = {
        hash: shared ?? createDigest(digest.algorithm),
        expected: digest.uncompressed,
        what: `uncompressed payload ${digest.algorithm} digest (PAYLOADDIGESTALT)`,
      };
    }
    if (expected.legacyMd5 !== undefined) {
      this.legacyMd5 = {
        hash: createDigest("md5").update(expected.headerBytes),
        expected: expected.legacyMd5,
        what: "header+payload md5 (SIGMD5)",
      };
    }
  }

  /** Feeds compressed payload bytes. */
  addCompressed(chunk: Uint8Array): void {
    this.compressedDigest?.hash.update(chunk);
    this.legacyMd5?.hash.update(chunk);
  }

  /** Feeds decompressed payload bytes. */
  addDecompressed(chunk: Uint8Array): void {
    if (this.hashUncompressed) this.uncompressedDigest?.hash.update(chunk);
  }

  /**
   * Compares the digests, once the whole payload went through.
   * @throws GroveError `RPM_PAYLOAD_DIGEST_MISMATCH` naming the digest that differs
   */
  verify(label: string, subject: string): void {
    const results = new Map<Check, string>();
    const matches = (check: Check | undefined): boolean | undefined => {
      if (check === undefined) return undefined;
      let actual = results.get(check);
      if (actual === undefined) {
        // A shared hash (uncompressed payload) is finalised once and compared twice.
        const shared = [...results.entries()].find(([other]) => other.hash === check.hash);
        actual = shared?.[1] ?? check.hash.digest("hex");
        results.set(check, actual);
      }
      return sameHexDigest(actual, check.expected);
    };
    const mismatch = (check: Check): GroveError =>
      new GroveError(
        "RPM_PAYLOAD_DIGEST_MISMATCH",
        `${label}: the ${check.what} does not match (got ${results.get(check)}, header says ${check.expected})`,
        { subject, hint: "The package is corrupt or was tampered with." },
      );
    const compressedOk = matches(this.compressedDigest);
    const uncompressedOk = matches(this.uncompressedDigest);
    if (compressedOk === false && uncompressedOk !== true) throw mismatch(this.compressedDigest as Check);
    if (uncompressedOk === false && compressedOk !== true) throw mismatch(this.uncompressedDigest as Check);
    if (matches(this.legacyMd5) === false) throw mismatch(this.legacyMd5 as Check);
  }
}
