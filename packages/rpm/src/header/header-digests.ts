import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { GroveError } from "@grove/core/store";
import type { DigestAlgorithm } from "../types.js";
import { digestAlgorithmFromPgp, HEX_DIGEST_LENGTH, isHex } from "./digest-algorithms.js";
import type { Header } from "./header.js";
import { headerCorrupt } from "./header-errors.js";
import { HEADER_MAGIC } from "./parse-header-blob.js";
import { SigTag, Tag, tagName } from "./tags.js";

/** Expected digests of the payload, hex, from the main header. */
export interface PayloadDigest {
  /** Algorithm of both digests. */
  algorithm: DigestAlgorithm;
  /** Digest of the payload as stored in the file (compressed). */
  compressed?: string;
  /** Digest of the uncompressed payload (the cpio archive). */
  uncompressed?: string;
}

/** True for an rpm v6 package (RPMFORMAT >= 6), whose signature header must not be trusted for legacy tags. */
export function isV6(header: Header): boolean {
  return (header.getNumber(Tag.RPMFORMAT) ?? 0) >= 6;
}

/**
 * The bytes the header digests cover, as chunks: magic, region entry count and data length, the region's
 * index entries and data (rpm's `hdrblobDigestUpdate`). For a package file that is the whole main header;
 * a v3 header without region is taken whole.
 */
export function headerDigestInput(header: Header): Uint8Array[] {
  const magic = Uint8Array.from(HEADER_MAGIC);
  const region = header.region;
  if (region === undefined) return [magic, header.blob];
  const counts = new Uint8Array(8);
  const view = new DataView(counts.buffer);
  view.setUint32(0, region.indexCount);
  view.setUint32(4, region.dataLength);
  const totalEntries = header.entries.length;
  const dataStart = 8 + 16 * totalEntries;
  return [
    magic,
    counts,
    header.blob.subarray(8, 8 + 16 * region.indexCount),
    header.blob.subarray(dataStart, dataStart + region.dataLength),
  ];
}

interface HeaderDigestTag {
  tag: number;
  algorithm: string;
  label: string;
  hexLength: number;
}

const HEADER_DIGEST_TAGS: readonly HeaderDigestTag[] = [
  { tag: SigTag.SHA1, algorithm: "sha1", label: "Header SHA1 digest", hexLength: 40 },
  { tag: SigTag.SHA256, algorithm: "sha256", label: "Header SHA256 digest", hexLength: 64 },
  { tag: SigTag.SHA3_256, algorithm: "sha3-256", label: "Header SHA3-256 digest", hexLength: 64 },
];

/**
 * Checks the header digests of the signature header (SHA1HEADER 269, SHA256HEADER 273 and, for v6,
 * SHA3-256 279) against the main header. Absent digests are skipped.
 * @throws GroveError `RPM_DIGEST_MISMATCH` naming the digest, `RPM_HEADER_CORRUPT` for a malformed digest value
 */
export function verifyHeaderDigests(signature: Header, header: Header): void {
  const subject = header.subject;
  const input = headerDigestInput(header);
  for (const d of HEADER_DIGEST_TAGS) {
    const expected = signature.getString(d.tag);
    if (expected === undefined) continue;
    if (!isHex(expected, d.hexLength)) {
      throw headerCorrupt(subject, `signature header ${tagName(d.tag, true)} is not a ${d.hexLength}-digit hex digest`);
    }
    const hash = createHash(d.algorithm);
    for (const chunk of input) hash.update(chunk);
    const actual = hash.digest("hex");
    if (actual !== expected.toLowerCase()) {
      throw new GroveError(
        "RPM_DIGEST_MISMATCH",
        `${subject}: ${d.label} mismatch: header says ${expected.toLowerCase()}, computed ${actual}`,
        { subject, hint: "The package header was modified or damaged; download the package again." },
      );
    }
  }
}

/**
 * The payload digests the main header records: PAYLOADDIGEST/PAYLOADDIGESTALT with PAYLOADDIGESTALGO
 * (sha256 when absent), or else the v6 PAYLOADSHA512/PAYLOADSHA512ALT pair.
 * @throws GroveError `RPM_HEADER_CORRUPT` for malformed values, `RPM_UNSUPPORTED_DIGEST` for an unknown algorithm
 */
export function readPayloadDigest(header: Header): PayloadDigest | undefined {
  if (header.has(Tag.PAYLOADDIGEST) || header.has(Tag.PAYLOADDIGESTALT)) {
    const id = header.getNumber(Tag.PAYLOADDIGESTALGO);
    const algorithm = id === undefined ? "sha256" : digestAlgorithmFromPgp(id, header.subject, "payload digest");
    return digestPair(header, algorithm, Tag.PAYLOADDIGEST, Tag.PAYLOADDIGESTALT);
  }
  if (header.has(Tag.PAYLOADSHA512) || header.has(Tag.PAYLOADSHA512ALT)) {
    return digestPair(header, "sha512", Tag.PAYLOADSHA512, Tag.PAYLOADSHA512ALT);
  }
  return undefined;
}

function digestPair(
  header: Header,
  algorithm: DigestAlgorithm,
  compressedTag: number,
  uncompressedTag: number,
): PayloadDigest {
  const out: PayloadDigest = { algorithm };
  const compressed = hexValue(header, compressedTag, algorithm);
  const uncompressed = hexValue(header, uncompressedTag, algorithm);
  if (compressed !== undefined) out.compressed = compressed;
  if (uncompressed !== undefined) out.uncompressed = uncompressed;
  return out;
}

function hexValue(header: Header, tag: number, algorithm: DigestAlgorithm): string | undefined {
  const value = header.getString(tag);
  if (value === undefined) return undefined;
  if (!isHex(value, HEX_DIGEST_LENGTH[algorithm])) {
    throw headerCorrupt(header.subject, `${tagName(tag)} is not a ${algorithm} hex digest`);
  }
  return value.toLowerCase();
}

/** The legacy MD5 over main header + compressed payload (signature tag 1004), hex; ignored on v6 packages. */
export function readLegacyMd5(signature: Header, v6: boolean): string | undefined {
  if (v6) return undefined;
  const md5 = signature.getBytes(SigTag.MD5);
  if (md5 === undefined) return undefined;
  if (md5.length !== 16) {
    throw headerCorrupt(signature.subject, `signature header MD5 (1004) is ${md5.length} bytes, expected 16`);
  }
  return Buffer.from(md5).toString("hex");
}

/**
 * The uncompressed payload size: LONGARCHIVESIZE or PAYLOADSIZE from the signature header (legacy tags
 * ignored on v6), else PAYLOADSIZEALT, LONGARCHIVESIZE or ARCHIVESIZE from the main header.
 */
export function readPayloadSize(signature: Header, header: Header, v6: boolean): number | undefined {
  return (
    signature.getNumber(SigTag.LONGARCHIVESIZE) ??
    (v6 ? undefined : signature.getNumber(SigTag.PAYLOADSIZE)) ??
    header.getNumber(Tag.PAYLOADSIZEALT) ??
    header.getNumber(Tag.LONGARCHIVESIZE) ??
    header.getNumber(Tag.ARCHIVESIZE)
  );
}
