/**
 * The stored form of a package's main header in the grove store: gzip of the header bytes exactly as in the
 * package file. Headers are mostly strings (file names, changelog) and shrink to less than half; only the rpmdb
 * writer, the installed-package reader and checkout's name check read them back.
 * @packageDocumentation
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { GroveError } from "@grove/core/store";

/** rpm refuses headers over 256 MiB (`HEADER_DATA_MAX`); a stored header inflating beyond that is refused too. */
const MAX_HEADER_BYTES = 256 * 1024 * 1024;

/** The object content stored for a main header (`RpmCommitMetadata.header`): the gzip stream of `headerBytes`. */
export function headerObjectContent(headerBytes: Uint8Array): Uint8Array {
  return gzipSync(headerBytes, { level: 1 });
}

/**
 * The header bytes (16-byte intro, index, data) held by a stored header object: inflated when it is gzip (`1f 8b`),
 * as they are otherwise (stores written before headers were compressed hold them plain, starting with the header
 * magic `8e ad e8 01`; signature header objects are always plain).
 * @param stored - the object's content
 * @param subject - the package, for messages
 * @throws GroveError `RPM_BAD_HEADER_OBJECT` when a gzip stream is damaged or inflates beyond 256 MiB
 */
export function headerFromObject(stored: Uint8Array, subject: string): Uint8Array {
  if (stored[0] !== 0x1f || stored[1] !== 0x8b) return stored;
  try {
    const out = gunzipSync(stored, { maxOutputLength: MAX_HEADER_BYTES });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new GroveError(
      "RPM_BAD_HEADER_OBJECT",
      `${subject}: the stored header cannot be inflated: ${String(cause)}`,
      {
        subject,
        cause,
        hint: "run `grove fsck`",
      },
    );
  }
}
