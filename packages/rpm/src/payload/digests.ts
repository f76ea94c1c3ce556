import { createHash, type Hash } from "node:crypto";
import type { DigestAlgorithm } from "../types.js";

/** A streaming digest of one of rpm's algorithms (node:crypto; the names coincide). */
export function createDigest(algorithm: DigestAlgorithm): Hash {
  return createHash(algorithm);
}

/** True when two hex digests are equal, ignoring case. */
export function sameHexDigest(actual: string, expected: string): boolean {
  return actual.toLowerCase() === expected.toLowerCase();
}
