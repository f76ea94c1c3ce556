import fs from "node:fs";
import path from "node:path";

/** How {@link writeObjectFileSync} creates one object file. */
export interface ObjectFileWrite {
  /** The temp file to write (in the store's `tmp/`; must not exist). */
  tmp: string;
  /** The object file it is renamed to when complete. */
  final: string;
  /** The content. */
  data: Uint8Array;
  /** The object's permission bits. */
  perm: number;
  /**
   * Create the temp file with mode `perm` and skip the `fchmod`: only when the store's creation mask
   * keeps every bit of `perm` (see `creationMask`).
   */
  createWithPerm: boolean;
  /** fsync the file before the rename. */
  fsync: boolean;
}

/**
 * Creates an object file with synchronous calls: `open` the temp file (`O_EXCL`), `write`, `fchmod`
 * (unless `createWithPerm`), `fsync` (if asked), `close`, `rename` into place (creating the `objects/xx/`
 * directory on ENOENT), so that the object is visible only when complete. On failure the temp file (when
 * this call created it) is removed and the error thrown as is.
 *
 * Synchronous on purpose. Measured on this project's ext4 VM (cold `grove assemble apache2`, ~5,100 new
 * objects): the same calls on libuv's thread pool with 1-8 files in flight, or with only the `open` there,
 * took the creation off the calling thread but never made the import faster: when creating a file is cheap
 * (~30-70 µs) the hand-offs cost more than they save (+0.2-0.8 s); when it is slow (~0.5 ms, e.g. just
 * after a large tree was deleted on a file system mounted with `discard`) the kernel's work is serialised
 * anyway, and files created in parallel burnt up to 40% more kernel time.
 * @param w - what to write where
 */
export function writeObjectFileSync(w: ObjectFileWrite): void {
  const fd = fs.openSync(w.tmp, "wx", w.createWithPerm ? w.perm : 0o600);
  try {
    try {
      for (let off = 0; off < w.data.length; ) off += fs.writeSync(fd, w.data, off, w.data.length - off);
      if (!w.createWithPerm) fs.fchmodSync(fd, w.perm);
      if (w.fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.renameSync(w.tmp, w.final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      fs.mkdirSync(path.dirname(w.final), { recursive: true });
      fs.renameSync(w.tmp, w.final);
    }
  } catch (err) {
    try {
      fs.unlinkSync(w.tmp);
    } catch {
      // already renamed, or removed
    }
    throw err;
  }
}
