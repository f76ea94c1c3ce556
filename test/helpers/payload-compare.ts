/**
 * Compare the payload entries grove yields with the header's digests and with what rpm2cpio + cpio extracted.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import type { DigestAlgorithm, PayloadEntry, RpmFile } from "@grove/rpm";
import type { ExtractedEntry } from "./extract-oracle.js";
import type { Discrepancy } from "./oracle-compare.js";

/** Counters of what was checked. */
export interface PayloadCheckCounts {
  /** Regular files whose content was hashed and compared. */
  files: number;
  /** Hard-link entries checked. */
  hardlinks: number;
  /** Symlinks checked. */
  symlinks: number;
  /** Directories checked. */
  directories: number;
}

const GHOST = 1 << 6;

/** The key of a package path in an extracted tree (source packages store bare file names). */
function treeKey(path: string): string {
  return path.startsWith("/") ? path : `/${path}`;
}

/**
 * Drain grove's entries, hash every regular file with the header's algorithm and sha256, and check:
 * the header digest matches the content, the content equals the extracted file, symlink targets and hard-link
 * sets match the extracted tree, and every non-ghost header file appears exactly once (and nothing else does).
 */
export async function comparePayload(
  fixture: string,
  files: readonly RpmFile[],
  algorithm: DigestAlgorithm,
  entries: AsyncIterable<PayloadEntry>,
  tree: ReadonlyMap<string, ExtractedEntry>,
): Promise<{ discrepancies: Discrepancy[]; counts: PayloadCheckCounts }> {
  const out: Discrepancy[] = [];
  const counts: PayloadCheckCounts = { files: 0, hardlinks: 0, symlinks: 0, directories: 0 };
  const seen = new Map<string, number>();
  const hashes = new Map<string, { sha256: string; header: string }>();
  const hardlinks: Array<{ file: RpmFile; target: string }> = [];
  const add = (field: string, expected: unknown, actual: unknown) => out.push({ fixture, field, expected, actual });

  for await (const entry of entries) {
    const path = entry.file.path;
    seen.set(path, (seen.get(path) ?? 0) + 1);
    const onDisk = tree.get(treeKey(path));
    switch (entry.type) {
      case "file": {
        const headerHash = createHash(algorithm);
        const sha256 = createHash("sha256");
        let size = 0;
        for await (const chunk of entry.content) {
          headerHash.update(chunk);
          sha256.update(chunk);
          size += chunk.byteLength;
        }
        const digest = headerHash.digest("hex");
        const contentSha256 = sha256.digest("hex");
        hashes.set(path, { sha256: contentSha256, header: digest });
        counts.files++;
        if (size !== entry.file.size) add(`payload[${path}].size`, entry.file.size, size);
        if (entry.file.digest !== "" && digest !== entry.file.digest) {
          add(`payload[${path}].digest (header ${algorithm})`, entry.file.digest, digest);
        }
        if (onDisk?.type !== "file") add(`payload[${path}].cpio`, "regular file extracted by cpio", onDisk?.type);
        else if (onDisk.sha256 !== contentSha256) add(`payload[${path}].sha256 vs cpio`, onDisk.sha256, contentSha256);
        break;
      }
      case "hardlink":
        hardlinks.push({ file: entry.file, target: entry.target });
        counts.hardlinks++;
        break;
      case "symlink":
        counts.symlinks++;
        if (onDisk?.type !== "symlink") add(`payload[${path}].cpio`, "symlink extracted by cpio", onDisk?.type);
        else if (onDisk.linkTo !== entry.file.linkTo)
          add(`payload[${path}].linkTo vs cpio`, onDisk.linkTo, entry.file.linkTo);
        break;
      case "directory":
        counts.directories++;
        if (onDisk?.type !== "directory") add(`payload[${path}].cpio`, "directory extracted by cpio", onDisk?.type);
        break;
      default:
        add(`payload[${path}].type`, "no device/fifo/socket in any fixture", entry.type);
    }
  }

  for (const { file, target } of hardlinks) {
    const content = hashes.get(target);
    const onDisk = tree.get(treeKey(file.path));
    const targetOnDisk = tree.get(treeKey(target));
    if (content === undefined) add(`payload[${file.path}].hardlink`, "target yielded as a regular file", target);
    if (onDisk === undefined || targetOnDisk === undefined || onDisk.inode !== targetOnDisk.inode) {
      add(`payload[${file.path}].hardlink vs cpio`, "same inode as its target on disk", target);
    } else if (content !== undefined && onDisk.sha256 !== content.sha256) {
      add(`payload[${file.path}].sha256 vs cpio`, onDisk.sha256, content.sha256);
    }
    if (content !== undefined && file.digest !== "" && file.digest !== content.header) {
      add(`payload[${file.path}].digest (header ${algorithm}, via hard link)`, file.digest, content.header);
    }
  }

  for (const file of files) {
    const count = seen.get(file.path) ?? 0;
    const ghost = (file.flags & GHOST) !== 0;
    if (ghost && count !== 0) add(`payload[${file.path}]`, "%ghost file not in the payload", `yielded ${count}x`);
    if (!ghost && count !== 1) add(`payload[${file.path}]`, "yielded exactly once", `yielded ${count}x`);
  }
  const headerPaths = new Set(files.map((f) => f.path));
  for (const path of seen.keys()) {
    if (!headerPaths.has(path)) add(`payload[${path}]`, "only header files", "entry for a path not in the header");
  }
  const payloadKeys = new Set(files.filter((f) => (f.flags & GHOST) === 0).map((f) => treeKey(f.path)));
  for (const [key, onDisk] of tree) {
    if (onDisk.type === "directory") continue;
    if (!payloadKeys.has(key))
      add(`cpio[${key}]`, "every extracted file is a header file", `${onDisk.type} not in header`);
  }
  return { discrepancies: out, counts };
}
