import type { Commit, Entry, EntryType } from "@grove/core";

/** One package commit to check out, with a label (e.g. its NEVRA) used in messages. */
export interface CheckoutCommit {
  /** The commit id. */
  id: string;
  /** The commit, as read from the store. */
  commit: Commit;
  /** What to call the package in messages, e.g. `bash-5.2.15-2.x86_64`. */
  label: string;
}

/** What a {@link CheckoutWarning} is about. */
export type CheckoutWarningKind =
  /** Two packages ship one directory with different modes or owners; the first package's metadata is used. */
  | "dir-metadata"
  /** One package ships a directory where another ships a symlink; the symlink is kept. */
  | "dir-replaced-by-symlink"
  /** A device node, FIFO or socket: it cannot be created without privileges; it is listed in the manifest. */
  | "special-file-skipped"
  /** Hard-linking objects failed (EXDEV: the root is on another file system; EMLINK: too many links), files were copied. */
  | "copied-instead-of-linked";

/** Something checkout did differently from a privileged rpm install, or had to decide. */
export interface CheckoutWarning {
  /** What kind of decision this is. */
  kind: CheckoutWarningKind;
  /** The path concerned (in the package's namespace). */
  path: string;
  /** A sentence naming the packages and what was decided. */
  message: string;
}

/** An entry of the assembled tree: where it landed and which package it came from. */
export interface PlannedEntry {
  /** Where the entry lands in the package namespace (directory symlinks resolved), before `/etc` is moved. */
  path: string;
  /** The entry (from the first package that ships this path). */
  entry: Entry;
  /** Index of that package in the checkout's commit list. */
  owner: number;
  /** The path is written as ISO-8859-1 bytes (a non-UTF-8 name in the package), not UTF-8. */
  latin1Path?: boolean;
  /** The symlink target is written as ISO-8859-1 bytes. */
  latin1Target?: boolean;
}

/**
 * Metadata of one path that checkout could not apply on disk: ownership other than the invoking user,
 * setuid/setgid bits, extended attributes (file capabilities), device nodes, FIFOs and sockets.
 * A later privileged step (or an image builder) can apply it.
 */
export interface ManifestRecord {
  /** Path in the root as written (`/usr/etc/...` and `/etc/...` both appear for relocated files). */
  path: string;
  /** Entry type. */
  type: EntryType;
  /** Full permission bits including setuid/setgid/sticky. */
  mode: number;
  /** Owner user name, when the package names it. */
  user?: string;
  /** Owner group name, when the package names it. */
  group?: string;
  /** Owner uid: resolved from the root's `/etc/passwd` when the package gives only a name (65534 if unknown). */
  uid: number;
  /** Owner gid: resolved from the root's `/etc/group` when the package gives only a name (65534 if unknown). */
  gid: number;
  /** Device number (device nodes). */
  rdev?: number;
  /** Extended attributes, base64 (e.g. `security.capability`). */
  xattrs?: Record<string, string>;
  /** True when the entry was not created at all (device nodes, FIFOs, sockets). */
  skipped?: boolean;
}

/** A directory and the permission bits it gets once the tree is complete. */
export interface DirMode {
  /** Absolute path on disk (bytes for a name rpm writes as ISO-8859-1). */
  path: string | Buffer;
  /** Permission bits applied with chmod (setuid/setgid never; sticky yes). */
  mode: number;
}
