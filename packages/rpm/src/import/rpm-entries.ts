import type { ImportEntry } from "@grove/core";
import { FileType, isGhost, S_IFMT } from "../payload/file-table.js";
import type { PayloadEntry } from "../payload/payload-entry.js";
import type { RpmFile, RpmPackage } from "../types.js";
import { capabilityXattr } from "./file-capabilities.js";

/** uid/gid recorded for owners other than root: the kernel's overflow id ("unmapped") until checkout resolves the name. */
export const UNRESOLVED_ID = 65534;

/**
 * Turns a package's payload entries into store import entries, followed by its `%ghost` files
 * (which have no payload data) as entries without content. Every entry carries the rpm file
 * flags, the owner names, mtime, and `security.capability` when the file has capabilities.
 * A file whose header digest is a SHA-256 passes it to the store: as `verifiedSha256` when the payload
 * reader verifies (its content stream throws on a mismatch, so the store need not hash the content
 * again), else as `expectedSha256` (the store hashes and compares).
 * @param pkg - the package
 * @param payload - its payload entries (content still streaming)
 * @param subject - the package file, for messages
 * @param verified - whether the payload reader checks every file's digest
 */
export async function* rpmImportEntries(
  pkg: RpmPackage,
  payload: AsyncIterable<PayloadEntry>,
  subject: string,
  verified: boolean,
): AsyncGenerator<ImportEntry> {
  const sha256Digests = pkg.fileDigestAlgorithm === "sha256";
  for await (const item of payload) {
    const base = baseEntry(item.file, subject);
    switch (item.type) {
      case "file": {
        const entry: ImportEntry = { ...base, type: "file", size: item.file.size, content: item.content };
        if (sha256Digests && item.file.digest !== "") {
          if (verified) entry.verifiedSha256 = item.file.digest.toLowerCase();
          else entry.expectedSha256 = item.file.digest.toLowerCase();
        }
        yield entry;
        break;
      }
      case "hardlink":
        yield { ...base, type: "hardlink", linkTo: item.target };
        break;
      case "directory":
        yield { ...base, type: "dir" };
        break;
      case "symlink":
        yield { ...base, type: "symlink", linkTo: item.file.linkTo };
        break;
      case "device":
        yield {
          ...base,
          type: (item.file.mode & S_IFMT) === FileType.block ? "blockdev" : "chardev",
          rdev: item.file.rdev,
        };
        break;
      case "fifo":
        yield { ...base, type: "fifo" };
        break;
      case "socket":
        yield { ...base, type: "socket" };
        break;
    }
  }
  for (const file of pkg.files) {
    if (isGhost(file)) yield ghostEntry(file, subject);
  }
}

/** A `%ghost` file: recorded with its metadata and flags, never with content (rpm does not create it). */
function ghostEntry(file: RpmFile, subject: string): ImportEntry {
  const base = baseEntry(file, subject);
  switch (file.mode & S_IFMT) {
    case FileType.directory:
      return { ...base, type: "dir" };
    case FileType.symlink:
      if (file.linkTo !== "") return { ...base, type: "symlink", linkTo: file.linkTo };
      return { ...base, mode: file.mode & 0o7777, type: "file" };
    case FileType.char:
      return { ...base, type: "chardev", rdev: file.rdev };
    case FileType.block:
      return { ...base, type: "blockdev", rdev: file.rdev };
    case FileType.fifo:
      return { ...base, type: "fifo" };
    case FileType.socket:
      return { ...base, type: "socket" };
    default:
      return { ...base, mode: file.mode & 0o7777, type: "file", size: file.size };
  }
}

function baseEntry(file: RpmFile, subject: string): Omit<ImportEntry, "type"> {
  const entry: Omit<ImportEntry, "type"> = {
    path: file.path,
    mode: file.mode,
    uid: file.user === "root" ? 0 : UNRESOLVED_ID,
    gid: file.group === "root" ? 0 : UNRESOLVED_ID,
    user: file.user,
    group: file.group,
    mtime: file.mtime,
    flags: file.flags,
  };
  const capability = capabilityXattr(file.capability, `${subject}:${file.path}`);
  if (capability !== undefined) entry.xattrs = { "security.capability": capability };
  return entry;
}
