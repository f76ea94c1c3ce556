/**
 * The bytes of a commit file on disk: the commit's canonical JSON, gzip-compressed when that saves disk blocks. A
 * commit's id is always the sha256 of its canonical JSON, however the file holds it.
 * @packageDocumentation
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { GroveError } from "../errors.js";

/** Canonical JSON up to this size is stored as it is: one file system block either way. */
export const COMMIT_PLAIN_MAX = 4096;

/** A commit file inflating beyond this is refused (a commit for 100,000 files is about 30 MB of JSON). */
const MAX_COMMIT_JSON = 512 * 1024 * 1024;

/** True when stored bytes are gzip (`1f 8b`); canonical JSON always starts with `{`. */
export function isCompressedCommit(stored: Uint8Array): boolean {
  return stored[0] === 0x1f && stored[1] === 0x8b;
}

/**
 * What to write to a commit file for canonical JSON `canonical`: the JSON itself when it fits one block
 * ({@link COMMIT_PLAIN_MAX}), else its gzip stream.
 */
export function storedCommitBytes(canonical: Uint8Array): Uint8Array {
  if (canonical.length <= COMMIT_PLAIN_MAX) return canonical;
  return gzipSync(canonical, { level: 6 });
}

/**
 * The canonical JSON held by a commit file's bytes (inflated when gzip, else the bytes themselves).
 * @param stored - the file's bytes
 * @param subject - the file, for messages
 * @throws GroveError `STORE_CORRUPT_COMMIT` when a gzip stream is damaged or inflates beyond 512 MiB
 */
export function canonicalCommitBytes(stored: Uint8Array, subject: string): Buffer {
  if (!isCompressedCommit(stored)) return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  try {
    return gunzipSync(stored, { maxOutputLength: MAX_COMMIT_JSON });
  } catch (cause) {
    throw new GroveError(
      "STORE_CORRUPT_COMMIT",
      `${subject}: the compressed commit cannot be inflated: ${String(cause)}`,
      {
        subject,
        cause,
        hint: "run `grove fsck`; the commit file was modified or damaged",
      },
    );
  }
}
