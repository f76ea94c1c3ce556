import type { JsonValue } from "./canonical-json.js";

/** The kinds of entries a commit holds. */
export const ENTRY_TYPES = ["file", "hardlink", "dir", "symlink", "chardev", "blockdev", "fifo", "socket"] as const;

/** The kind of one entry: a regular file, a hard link to another entry's file, a directory, ... */
export type EntryType = (typeof ENTRY_TYPES)[number];

/**
 * One file-system entry of a commit. Ownership, setuid/setgid/sticky bits, xattrs and flags are
 * metadata: the store never applies them on disk.
 */
export interface Entry {
  /** Absolute normalised path, e.g. `/usr/bin/bash` (`/` for the tree root). */
  path: string;
  /** What kind of entry this is. */
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky (`st_mode & 0o7777`). */
  mode: number;
  /** Owner user id. */
  uid: number;
  /** Owner group id. */
  gid: number;
  /** Owner user name, when the source names it (RPMs do). */
  user?: string;
  /** Owner group name, when the source names it. */
  group?: string;
  /** Content size in bytes (files and hard links with content). */
  size?: number;
  /**
   * sha256 (hex) of the content, for `file` and `hardlink` entries. The object on disk is
   * `<object>.<mode & 0o777 as 4 octal digits>`. A `file` entry without `object` is a
   * placeholder that carries metadata only (e.g. an RPM `%ghost` file): checkout does not create it.
   */
  object?: string;
  /** Symlink target, or for a `hardlink` the path of the `file` entry holding the data (same commit). */
  linkTo?: string;
  /** Device number of a `chardev`/`blockdev` entry. */
  rdev?: number;
  /** Modification time, whole seconds since the epoch. */
  mtime?: number;
  /** Extended attributes: name -> value as base64 (e.g. `security.capability`). */
  xattrs?: Record<string, string>;
  /** Importer-defined flag bits (e.g. RPM file flags); core does not interpret them. */
  flags?: number;
}

/** A commit: one imported tree plus free-form metadata, named by the sha256 of its canonical JSON. */
export interface Commit {
  /** Commit format version; always 1. */
  version: 1;
  /** The tree's entries, sorted by path (UTF-8 byte order) in the stored form. */
  entries: Entry[];
  /** Free-form JSON metadata (for RPMs: NEVRA, sha256, scriptlets, ...). */
  metadata: { [key: string]: JsonValue | undefined };
  /** Other commits this one keeps alive for gc (e.g. a root generation's package commits), sorted, unique. */
  references?: string[];
  /** Extra objects (`<sha256>.<pppp>`) this commit keeps alive (e.g. a raw RPM header blob), sorted, unique. */
  objects?: string[];
}
