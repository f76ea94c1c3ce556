import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { RepoErrorCode, repoError } from "../errors.js";

/** A checksum as repository metadata states it. */
export interface Checksum {
  /** Algorithm as written (`sha256`, `sha1`, `sha` = sha1, `sha512`, `md5`, ...). */
  type: string;
  /** Lower-case hex digest. */
  value: string;
}

const ALGORITHMS: Readonly<Record<string, string>> = {
  md5: "md5",
  sha: "sha1",
  sha1: "sha1",
  sha224: "sha224",
  sha256: "sha256",
  sha384: "sha384",
  sha512: "sha512",
};

/**
 * The `node:crypto` algorithm name for a metadata checksum type, or `undefined` when unknown.
 * `sha` (old yum and openSUSE metadata) means SHA-1.
 *
 * @param type - checksum type as written in the metadata
 */
export function hashAlgorithm(type: string): string | undefined {
  return ALGORITHMS[type.toLowerCase()];
}

/**
 * A hash object for a metadata checksum type.
 *
 * @param type - checksum type as written
 * @param repoId - repository id for the error message
 * @param subject - URL for the error message
 * @throws GroveError `REPO_UNSUPPORTED_CHECKSUM` for an unknown type
 */
export function createChecksumHash(type: string, repoId: string, subject: string): Hash {
  const algorithm = hashAlgorithm(type);
  if (algorithm === undefined) {
    throw repoError(RepoErrorCode.unsupportedChecksum, repoId, subject, `unknown checksum type "${type}"`);
  }
  return createHash(algorithm);
}

/**
 * Compare a computed digest with the expected one.
 *
 * @param expected - the checksum the metadata promises
 * @param actual - the computed hex digest
 * @param repoId - repository id for the error message
 * @param subject - URL for the error message
 * @param what - what was checked, e.g. `"checksum"` or `"open-checksum (uncompressed)"`
 * @throws GroveError `REPO_CHECKSUM_MISMATCH`
 */
export function assertChecksum(
  expected: Checksum,
  actual: string,
  repoId: string,
  subject: string,
  what = "checksum",
): void {
  if (actual !== expected.value.toLowerCase()) {
    throw repoError(
      RepoErrorCode.checksumMismatch,
      repoId,
      subject,
      `${what} mismatch: expected ${expected.type} ${expected.value}, got ${actual}`,
      { hint: "the mirror may be out of date or the file damaged; try again later or another mirror" },
    );
  }
}

/**
 * Hash a local file.
 *
 * @param path - file path
 * @param type - checksum type as written in metadata
 * @param repoId - repository id for an unknown-type error
 * @param subject - URL or path for an unknown-type error
 * @returns lower-case hex digest
 */
export async function hashFile(path: string, type: string, repoId = "", subject = path): Promise<string> {
  const hash = createChecksumHash(type, repoId, subject);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
