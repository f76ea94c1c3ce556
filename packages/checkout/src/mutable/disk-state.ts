import { createHash } from "node:crypto";
import { chmodSync, closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, statSync } from "node:fs";
import type { Entry } from "@grove/core";

/** What is at a path of an existing root (`lstat`, never following symlinks). */
export interface DiskState {
  /** Absolute path. */
  path: string;
  /** Kind of file. */
  kind: "file" | "dir" | "symlink" | "other";
  /** Permission bits incl. setuid/setgid/sticky. */
  mode: number;
  /** Size in bytes (files). */
  size: number;
  /** Modification time, seconds since the epoch (fractional). */
  mtime: number;
  /** Symlink target. */
  target?: string;
  /** sha256 of the content (files), computed on first use. */
  sha256?: string;
}

/** `lstat` of `file` as a {@link DiskState}; `undefined` when nothing is there. */
export function readDiskState(file: string): DiskState | undefined {
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw err;
  }
  const kind = st.isFile() ? "file" : st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "other";
  const state: DiskState = { path: file, kind, mode: st.mode & 0o7777, size: st.size, mtime: st.mtimeMs / 1000 };
  if (kind === "symlink") state.target = readlinkSync(file);
  return state;
}

const CHUNK = 1 << 18;

/** The read buffer of {@link hashFile}, shared: hashing is synchronous, and a fresh 256 KiB buffer per file adds up. */
let chunkBuffer: Buffer | undefined;

/** sha256 (hex) of a file's content, read in 256 KiB chunks (bounded memory); made readable for the moment if need be. */
export function hashFile(state: DiskState): string {
  if (state.sha256 !== undefined) return state.sha256;
  const fd = withOwnerAccess(state.path, 0o400, () => openSync(state.path, "r"));
  try {
    const hash = createHash("sha256");
    chunkBuffer ??= Buffer.allocUnsafe(CHUNK);
    const buf = chunkBuffer;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    state.sha256 = hash.digest("hex");
    return state.sha256;
  } finally {
    closeSync(fd);
  }
}

/** Names in a directory, made readable/searchable for the moment if its owner lacks the permission. */
export function listDir(dir: string): string[] {
  return withOwnerAccess(dir, 0o500, () => readdirSync(dir));
}

/**
 * Runs `fn`; when it fails with EACCES, adds `bits` to `file`'s owner permissions (the invoking user
 * owns every root grove writes), runs it again, and restores the mode.
 */
export function withOwnerAccess<T>(file: string, bits: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
  }
  const original = statSync(file).mode & 0o7777;
  chmodSync(file, original | bits);
  try {
    return fn();
  } finally {
    chmodSync(file, original);
  }
}

/** True when what is on disk has the content of `entry` (type, and digest or link target; modes do not count, as in rpm). */
export function diskMatches(state: DiskState, entry: Entry): boolean {
  switch (entry.type) {
    case "dir":
      return state.kind === "dir";
    case "symlink":
      return state.kind === "symlink" && state.target === entry.linkTo;
    case "file":
    case "hardlink":
      return (
        state.kind === "file" &&
        entry.object !== undefined &&
        state.size === (entry.size ?? -1) &&
        hashFile(state) === entry.object
      );
    default:
      return false;
  }
}

/** True when two package entries have the same content (type, digest or link target). */
export function entriesMatch(a: Entry, b: Entry): boolean {
  const ka = a.type === "hardlink" ? "file" : a.type;
  const kb = b.type === "hardlink" ? "file" : b.type;
  if (ka !== kb) return false;
  if (ka === "file") return a.object === b.object;
  if (ka === "symlink") return a.linkTo === b.linkTo;
  if (ka === "chardev" || ka === "blockdev") return a.rdev === b.rdev;
  return true;
}
