/**
 * A snapshot of a root file system for the root oracle test: every path under the root (lstat, never followed)
 * with its type, permission bits, special bits, symlink target and, for regular files, the sha256 of the content.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";

/** The kinds of entry the comparison distinguishes. */
export type TreeEntryType = "dir" | "file" | "symlink" | "other";

/** One path of a root, as the comparison sees it. */
export interface TreeEntry {
  /** Absolute path inside the root (`/usr/bin/bash`). */
  path: string;
  /** What it is (lstat: a symlink is a symlink). */
  type: TreeEntryType;
  /** `mode & 0o777`. */
  perm: number;
  /** `mode & 0o7000`: setuid, setgid, sticky. */
  special: number;
  /** The link target, for symlinks. */
  target?: string;
  /** Hex sha256 of the content, for regular files. */
  sha256?: string;
  /** Inode number (to tell copies from hard links). */
  ino: number;
  /** Hard link count. */
  nlink: number;
}

/**
 * Walks `root` and returns every path below it (not the root itself), keyed by its absolute path inside the root.
 * @param root - the directory to snapshot
 */
export function snapshotTree(root: string): Map<string, TreeEntry> {
  const entries = new Map<string, TreeEntry>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const relPath = `${rel}/${name}`;
      const entry = describeEntry(path.join(root, relPath), relPath);
      entries.set(relPath, entry);
      if (entry.type === "dir") walk(relPath);
    }
  };
  walk("");
  return entries;
}

function describeEntry(file: string, inRoot: string): TreeEntry {
  const info = lstatSync(file);
  const base = { path: inRoot, perm: info.mode & 0o777, special: info.mode & 0o7000, ino: info.ino, nlink: info.nlink };
  if (info.isSymbolicLink()) return { ...base, type: "symlink", target: readlinkSync(file) };
  if (info.isDirectory()) return { ...base, type: "dir" };
  if (info.isFile())
    return { ...base, type: "file", sha256: createHash("sha256").update(readFileSync(file)).digest("hex") };
  return { ...base, type: "other" };
}

/**
 * What the comparison checks of an entry, as one string: type, permission bits, link target, content digest.
 * Special bits, inode and link count are left out.
 * @param entry - the entry
 */
export function entryIdentity(entry: TreeEntry): string {
  const perm = entry.type === "symlink" ? "" : entry.perm.toString(8).padStart(3, "0");
  return [entry.type, perm, entry.target ?? "", entry.sha256 ?? ""].join(" ").trimEnd();
}
