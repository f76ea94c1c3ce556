import { closeSync, fchmodSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { tempName } from "./temp-names.js";

/** Options for {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** fsync the file before the rename and its directory after it. */
  fsync: boolean;
  /** Permission bits of the final file (default 0o644). */
  perm?: number;
}

/**
 * Writes `data` to `finalPath` so readers see either the old file or the complete new one:
 * write a temp file in `tmpDir` (same file system), then rename it into place, creating the
 * parent directory when it is missing. The temp file is removed on failure.
 * @param tmpDir - the store's `tmp/` directory
 * @param finalPath - destination path
 * @param data - the file's bytes
 * @param options - durability and permission bits
 */
export async function writeFileAtomic(
  tmpDir: string,
  finalPath: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions,
): Promise<void> {
  const tmp = path.join(tmpDir, tempName(path.basename(path.dirname(finalPath))));
  if (!options.fsync) {
    writeSmallFileAtomic(tmp, finalPath, data, options.perm ?? 0o644);
    return;
  }
  const handle = await open(tmp, "wx", 0o600);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(options.perm ?? 0o644);
      if (options.fsync) await handle.sync();
    } finally {
      await handle.close();
    }
    await renameCreatingParent(tmp, finalPath);
    if (options.fsync) await fsyncDir(path.dirname(finalPath));
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * {@link writeFileAtomic} without fsync, in synchronous calls: commits, refs and records are small, and four
 * system calls cost microseconds where four round trips through the thread pool cost a millisecond or more.
 */
function writeSmallFileAtomic(tmp: string, finalPath: string, data: Uint8Array | string, perm: number): void {
  try {
    const fd = openSync(tmp, "wx", 0o600);
    try {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done);
      fchmodSync(fd, perm);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(tmp, finalPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      mkdirSync(path.dirname(finalPath), { recursive: true });
      renameSync(tmp, finalPath);
    }
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or renamed
    }
    throw err;
  }
}

/** Renames `from` to `to`, creating `to`'s parent directories when the first attempt fails with ENOENT. */
export async function renameCreatingParent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }
}

/** fsyncs a directory so a rename into it survives a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
