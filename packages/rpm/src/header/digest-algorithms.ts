import { GroveError } from "@grove/core/store";
import type { DigestAlgorithm } from "../types.js";

/** Digest algorithms by their OpenPGP hash algorithm number, as FILEDIGESTALGO and PAYLOADDIGESTALGO store them. */
const BY_PGP_NUMBER: ReadonlyMap<number, DigestAlgorithm> = new Map([
  [1, "md5"],
  [2, "sha1"],
  [8, "sha256"],
  [9, "sha384"],
  [10, "sha512"],
  [11, "sha224"],
]);

/** Length of a hex digest of each algorithm. */
export const HEX_DIGEST_LENGTH: Readonly<Record<DigestAlgorithm, number>> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

/**
 * The digest algorithm for an OpenPGP hash algorithm number.
 * @throws GroveError `RPM_UNSUPPORTED_DIGEST` for numbers grove does not know (e.g. SHA3 ones)
 */
export function digestAlgorithmFromPgp(id: number, subject: string, what: string): DigestAlgorithm {
  const algorithm = BY_PGP_NUMBER.get(id);
  if (algorithm === undefined) {
    throw new GroveError("RPM_UNSUPPORTED_DIGEST", `${subject}: unsupported ${what} algorithm ${id}`, {
      subject,
      hint: "grove supports md5, sha1, sha224, sha256, sha384 and sha512 here.",
    });
  }
  return algorithm;
}

/** True when `value` is a hex string of exactly `length` characters. */
export function isHex(value: string, length: number): boolean {
  return value.length === length && /^[0-9a-fA-F]*$/.test(value);
}
