import type { Commit, Entry } from "../store/commit.js";

/**
 * One entry fed to {@link importEntries}: the fields of a commit {@link Entry} plus its content.
 *
 * - `file`: give `content` (bytes or a stream); it is hashed as it streams and stored once.
 *   Without `content`, give `object` (+ `size`) to reuse an object already in the store, or
 *   neither for a placeholder that carries metadata only (e.g. an RPM `%ghost` file).
 * - `hardlink`: `linkTo` names another entry of the same import (which may come later in the
 *   stream); object and size are taken from it. Of a hard-link set the entry with the smallest
 *   path becomes the `file` and the others link to it, so stream order does not change the commit.
 * - `symlink`: `linkTo` is the target. `chardev`/`blockdev`: `rdev`.
 *
 * `path` may be relative or start with `./` or `/`; it is normalised. `mode` may be a full
 * `st_mode`: its file-type bits must then agree with `type` and are dropped.
 */
export interface ImportEntry extends Omit<Entry, "object" | "size"> {
  /** Content size; when given it must equal the content's length. */
  size?: number;
  /** sha256 of the content: an existing object to use (with no `content`), or a claim `content` must match. */
  object?: string;
  /** The file's content. */
  content?: Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The content's sha256 if known: when that object exists the content is only hashed, not written. */
  expectedSha256?: string;
  /**
   * The content's sha256, checked by the `content` stream itself: the stream throws before its end when its
   * bytes hash to anything else (the RPM importer passes the header's SHA-256 file digest, which its payload
   * reader verifies as the data streams). The content is then not hashed again; when that object exists the
   * stream is only drained. Only for self-checking streams (see `WriteObjectOptions.verifiedSha256`).
   */
  verifiedSha256?: string;
}

/** Options of {@link importEntries}. */
export interface ImportOptions {
  /**
   * The commit's free-form metadata, or a function returning it that is called once every entry
   * has been consumed (for metadata that depends on the content, e.g. a digest of the streamed source).
   */
  metadata: Commit["metadata"] | (() => Commit["metadata"]);
  /** Commits this commit keeps alive (they must exist). */
  references?: string[];
  /** Extra objects (`<sha256>.<pppp>`) this commit keeps alive (they must exist). */
  objects?: string[];
  /** A ref to point at the new commit (set last). */
  ref?: string;
  /** sha256 of the source artifact (e.g. the .rpm file): recorded in the source index. */
  sourceSha256?: string;
  /** What is being imported (a file name, a URL), for error messages. */
  subject?: string;
}

/** Counters of one import. */
export interface ImportStats {
  /** Objects newly written. */
  objectsWritten: number;
  /** Objects that already existed (content hashed, nothing written). */
  objectsReused: number;
  /** Bytes written into new objects. */
  bytesWritten: number;
  /** Entries in the commit. */
  entries: number;
}

/** What {@link importEntries} produced. */
export interface ImportResult {
  /** The commit's id. */
  commitId: string;
  /** The commit in stored form. */
  commit: Commit;
  /** Counters. */
  stats: ImportStats;
}
