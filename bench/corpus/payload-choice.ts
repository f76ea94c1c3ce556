/**
 * Which payload compression each package gets: a deterministic mix like a real mirror's history — mostly zstd
 * level 19 (Fedora since 31), some xz level 2 (Fedora before 31) and some gzip level 9 (older RPM distributions).
 * @packageDocumentation
 */
import { createHash } from "node:crypto";

/** A payload compressor and rpmbuild's `%_binary_payload` value for it. */
export interface PayloadChoice {
  /** rpm's name for the compressor (`%{PAYLOADCOMPRESSOR}`). */
  compressor: "zstd" | "xz" | "gzip";
  /** The `%_binary_payload` macro value. */
  binaryPayload: string;
}

const ZSTD: PayloadChoice = { compressor: "zstd", binaryPayload: "w19.zstdio" };
const XZ: PayloadChoice = { compressor: "xz", binaryPayload: "w2.xzdio" };
const GZIP: PayloadChoice = { compressor: "gzip", binaryPayload: "w9.gzdio" };

/** The compressor for package `name`: 3 in 5 packages zstd, 1 in 5 xz, 1 in 5 gzip, fixed by the name. */
export function payloadFor(name: string): PayloadChoice {
  const bucket = (createHash("sha256").update(name).digest()[0] ?? 0) % 5;
  if (bucket === 3) return XZ;
  if (bucket === 4) return GZIP;
  return ZSTD;
}
