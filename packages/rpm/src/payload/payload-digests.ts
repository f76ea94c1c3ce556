import type { Hash } from "node:crypto";
import type { Worker } from "node:worker_threads";
import { GroveError } from "@grove/core";
import type { DigestAlgorithm } from "../types.js";
import { type OffThreadDigestSpec, OffThreadDigests } from "./digest-worker.js";
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

/** One digest to compare at the end. */
interface Check {
  expected: string;
  what: string;
  /** Where the actual value comes from: an inline hash, or a slot of the off-thread results. */
  source: { hash: Hash } | { slot: number };
}

/** How {@link PayloadDigests} hashes. */
export interface PayloadDigestOptions {
  /** The payload is not compressed (as detected): PAYLOADDIGEST and PAYLOADDIGESTALT cover the same bytes. */
  sameStream: boolean;
  /** Hash the compressed stream on a worker thread (worth it for large payloads). */
  offThread: boolean;
}

/**
 * Whether the uncompressed archive must be hashed for PAYLOADDIGESTALT. rpm treats PAYLOADDIGEST and
 * PAYLOADDIGESTALT as alternatives: a failure of one is forgiven when the other matches. The uncompressed
 * digest can change the verdict only when there is no PAYLOADDIGEST, or when nothing else covers the
 * compressed bytes: with SIGMD5 (md5 of header + compressed payload) present, a payload whose compressed
 * bytes differ fails SIGMD5 in rpm whatever PAYLOADDIGESTALT says. So a package carrying both PAYLOADDIGEST
 * and SIGMD5 (every rpm 4.14+ v4 package) skips that extra SHA-256 pass over the whole archive. The one
 * verdict that differs from rpm's: compressed bytes that match SIGMD5 but not the header's own PAYLOADDIGEST
 * (a header built wrong, not a damaged payload) fail here even if PAYLOADDIGESTALT would match.
 * When the payload is not compressed both digests cover the same bytes and share one hash.
 */
export function needsUncompressedDigest(expected: ExpectedPayloadDigests, sameStream: boolean): boolean {
  const digest = expected.payloadDigest;
  if (digest?.uncompressed === undefined) return false;
  return sameStream || digest.compressed === undefined || expected.legacyMd5 === undefined;
}

/**
 * Hashes the compressed and the decompressed payload as they stream, for the digests the header declares,
 * and compares them at the end with rpm's rules: SIGMD5 must match; PAYLOADDIGEST and PAYLOADDIGESTALT are
 * alternatives (rpm accepts a package whose payload was recompressed as long as the digest of the
 * uncompressed archive still matches, and the other way round; see {@link needsUncompressedDigest} for
 * when the uncompressed side is hashed at all).
 */
export class PayloadDigests {
  private readonly compressed: Check | undefined;
  private readonly uncompressed: Check | undefined;
  private readonly md5: Check | undefined;
  private readonly inlineCompressed: Hash[] = [];
  private readonly inlineUncompressed: Hash | undefined;
  private readonly worker: OffThreadDigests | undefined;

  /**
   * @param expected - the header's digests; nothing is hashed for those it lacks
   * @param options - where and how to hash
   */
  constructor(expected: ExpectedPayloadDigests, options: PayloadDigestOptions) {
    const digest = expected.payloadDigest;
    const specs: OffThreadDigestSpec[] = [];
    const compressedSource = (algorithm: DigestAlgorithm, prefix?: Uint8Array): Check["source"] => {
      if (options.offThread)
        return { slot: specs.push(prefix === undefined ? { algorithm } : { algorithm, prefix }) - 1 };
      const hash = createDigest(algorithm);
      if (prefix !== undefined) hash.update(prefix);
      this.inlineCompressed.push(hash);
      return { hash };
    };
    if (digest?.compressed !== undefined) {
      this.compressed = {
        expected: digest.compressed,
        what: `payload ${digest.algorithm} digest (PAYLOADDIGEST)`,
        source: compressedSource(digest.algorithm),
      };
    }
    if (digest?.uncompressed !== undefined && needsUncompressedDigest(expected, options.sameStream)) {
      let source: Check["source"];
      if (options.sameStream && this.compressed !== undefined) {
        source = this.compressed.source;
      } else if (options.sameStream) {
        source = compressedSource(digest.algorithm);
      } else {
        this.inlineUncompressed = createDigest(digest.algorithm);
        source = { hash: this.inlineUncompressed };
      }
      this.uncompressed = {
        expected: digest.uncompressed,
        what: `uncompressed payload ${digest.algorithm} digest (PAYLOADDIGESTALT)`,
        source,
      };
    }
    if (expected.legacyMd5 !== undefined) {
      this.md5 = {
        expected: expected.legacyMd5,
        what: "header+payload md5 (SIGMD5)",
        source: compressedSource("md5", expected.headerBytes),
      };
    }
    if (specs.length > 0) this.worker = new OffThreadDigests(specs);
  }

  /** The payload worker hashing the compressed stream, when hashing off-thread: the zstd decoder shares it. */
  get offThreadWorker(): Worker | undefined {
    return this.worker?.worker;
  }

  /** Feeds compressed payload bytes; the promise (off-thread hashing only) asks the caller to slow down. */
  addCompressed(chunk: Uint8Array): Promise<void> | undefined {
    for (const hash of this.inlineCompressed) hash.update(chunk);
    return this.worker?.update(chunk);
  }

  /** Feeds decompressed payload bytes. */
  addDecompressed(chunk: Uint8Array): void {
    this.inlineUncompressed?.update(chunk);
  }

  /** Stops the worker, if any (when reading ends early). */
  close(): void {
    void this.worker?.close();
  }

  /**
   * Compares the digests, once the whole payload went through.
   * @throws GroveError `RPM_PAYLOAD_DIGEST_MISMATCH` naming the digest that differs
   */
  async verify(label: string, subject: string): Promise<void> {
    const offThread = this.worker === undefined ? [] : await this.worker.digests();
    const finished = new Map<Hash, string>();
    const actual = (check: Check): string => {
      if ("slot" in check.source) return offThread[check.source.slot] as string;
      const hash = check.source.hash;
      let hex = finished.get(hash);
      if (hex === undefined) {
        hex = hash.digest("hex");
        finished.set(hash, hex);
      }
      return hex;
    };
    const matches = (check: Check | undefined): boolean | undefined =>
      check === undefined ? undefined : sameHexDigest(actual(check), check.expected);
    const mismatch = (check: Check): GroveError =>
      new GroveError(
        "RPM_PAYLOAD_DIGEST_MISMATCH",
        `${label}: the ${check.what} does not match (got ${actual(check)}, header says ${check.expected})`,
        { subject, hint: "The package is corrupt or was tampered with." },
      );
    const compressedOk = matches(this.compressed);
    const uncompressedOk = matches(this.uncompressed);
    if (compressedOk === false && uncompressedOk !== true) throw mismatch(this.compressed as Check);
    if (uncompressedOk === false && compressedOk !== true) throw mismatch(this.uncompressed as Check);
    if (matches(this.md5) === false) throw mismatch(this.md5 as Check);
  }
}
