import type { ByteReader } from "../io/byte-reader.js";
import type { DigestAlgorithm, RpmLead, RpmPackage } from "../types.js";
import type { Header, HeaderKind } from "./header.js";
import { isV6, readLegacyMd5, readPayloadDigest, readPayloadSize, verifyHeaderDigests } from "./header-digests.js";
import { LEAD_SIZE, parseLead } from "./lead.js";
import { buildRpmPackage } from "./package-info.js";
import { parseHeaderBlob, parseHeaderIntro } from "./parse-header-blob.js";

/** Everything in front of the payload of an RPM file. */
export interface PackageHeaders {
  /** The 96-byte lead. */
  lead: RpmLead;
  /** The signature header. */
  signature: Header;
  /** The main header. */
  header: Header;
  /** The typed package description built from the main header. */
  pkg: RpmPackage;
  /** The main header exactly as in the file: 16-byte intro (magic, reserved, il, dl) + index + data. */
  headerBytes: Uint8Array;
  /** The signature header exactly as in the file: 16-byte intro + index + data (without its padding). */
  signatureBytes: Uint8Array;
  /** Expected payload digests from the headers, hex, when present. */
  payloadDigest?: { algorithm: DigestAlgorithm; compressed?: string; uncompressed?: string };
  /** SIGMD5 (legacy md5 over main header + compressed payload), hex, when present. */
  legacyMd5?: string;
  /** Uncompressed payload size (PAYLOADSIZE/LONGARCHIVESIZE in the signature, or main header) when known. */
  payloadSize?: number;
}

/** Options of {@link readPackageHeaders}. */
export interface ReadPackageHeadersOptions {
  /** Check the header digests (SHA1/SHA256/SHA3-256 in the signature header) against the main header now. */
  verify: boolean;
}

/**
 * Reads the lead, the signature header (and its padding to 8 bytes) and the main header of an RPM file,
 * leaving `reader.position` at the first payload byte. Memory is bounded by rpm's header limits
 * (signature: 32 entries / 64 MiB, header: 65535 entries / 256 MiB), checked before reading the bodies.
 * @throws GroveError `RPM_BAD_MAGIC`, `RPM_TRUNCATED`, `RPM_HEADER_TOO_LARGE`, `RPM_HEADER_CORRUPT`,
 *   `RPM_DIGEST_MISMATCH` (with `verify`), `RPM_UNSUPPORTED_DIGEST`, `RPM_PATH_TOO_LONG`
 */
export async function readPackageHeaders(
  reader: ByteReader,
  options: ReadPackageHeadersOptions,
): Promise<PackageHeaders> {
  const subject = reader.subject;
  const lead = parseLead(await reader.read(LEAD_SIZE, "the lead"), subject);

  const signatureBytes = await readHeaderBytes(reader, "signature");
  const signature = parseHeaderBlob(signatureBytes.subarray(8), { subject, kind: "signature" });
  const padding = (8 - (signatureBytes.length % 8)) % 8;
  if (padding > 0) await reader.skip(padding, "the signature header padding");

  const headerBytes = await readHeaderBytes(reader, "header");
  const header = parseHeaderBlob(headerBytes.subarray(8), { subject, kind: "header" });

  if (options.verify) verifyHeaderDigests(signature, header);
  const pkg = buildRpmPackage(header, subject);
  const v6 = isV6(header);
  const result: PackageHeaders = { lead, signature, header, pkg, headerBytes, signatureBytes };
  const payloadDigest = readPayloadDigest(header);
  if (payloadDigest !== undefined) result.payloadDigest = payloadDigest;
  const legacyMd5 = readLegacyMd5(signature, v6);
  if (legacyMd5 !== undefined) result.legacyMd5 = legacyMd5;
  const payloadSize = readPayloadSize(signature, header, v6);
  if (payloadSize !== undefined) result.payloadSize = payloadSize;
  return result;
}

/** Reads one header (16-byte intro + index + data) into a fresh buffer, checking limits before the body. */
async function readHeaderBytes(reader: ByteReader, kind: HeaderKind): Promise<Uint8Array> {
  const what = kind === "signature" ? "the signature header" : "the header";
  const intro = await reader.read(16, what);
  const { bodyLength } = parseHeaderIntro(intro, reader.subject, kind);
  const out = new Uint8Array(16 + bodyLength);
  out.set(intro, 0);
  out.set(await reader.read(bodyLength, what), 16);
  return out;
}
