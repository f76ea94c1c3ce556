import type { RpmFile } from "../types.js";
import type { PayloadCompressor } from "./compression.js";

/**
 * One item of a package's payload, in payload order, matched to the header's file by name.
 * - `file`: a regular file with its data; consume `content` fully before asking for the next entry
 *   (what is left unread is drained and verified anyway). The content's digest is checked against the
 *   header as it streams: a mismatch throws `RPM_FILE_DIGEST_MISMATCH` from the content iterator.
 * - `hardlink`: a further name of a hard-link set; `target` is the path of the already emitted `file`
 *   entry that holds the data.
 * - other types carry no data (a symlink's target is {@link RpmFile.linkTo}).
 */
export type PayloadEntry =
  | { type: "file"; file: RpmFile; content: AsyncIterable<Uint8Array> }
  | { type: "hardlink"; file: RpmFile; target: string }
  | { type: "directory" | "symlink" | "device" | "fifo" | "socket"; file: RpmFile };

/** What reading a payload found, filled in as the entries stream. */
export interface PayloadStats {
  /** The compression detected from the payload's first bytes (`undefined` until reading starts). */
  compressor: PayloadCompressor | undefined;
  /** Compressed payload bytes read (final once the entries are exhausted). */
  compressedBytes: number;
  /** Decompressed (cpio archive) bytes read. */
  payloadBytes: number;
  /** Entries emitted so far. */
  entryCount: number;
}
