import { chmodSync, constants, copyFileSync, statSync, utimesSync } from "node:fs";

/** Copy flags: fail if the destination exists; clone (reflink) when the file system can, else copy. */
const COPY_FLAGS = constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE;

/**
 * Copies `src`, whose permission bits are `perm`, to a new file `dest` with the same bits (the copy
 * takes the source's mode, so no extra chmod is needed), and sets `mtime` when given.
 * A source its owner may not read (an object `.0000` or `.0111`, a user's `/etc/shadow` with mode
 * 0000) is made owner-readable for the moment of the copy and restored, then the copy gets `perm`;
 * this works because the invoking user owns the store and its roots (as root nothing needs changing).
 * @param src - file to copy (an object, or a file of an older generation)
 * @param dest - new file (must not exist)
 * @param perm - the source's permission bits, which the copy gets (`& 0o777`: setuid/setgid never)
 * @param mtime - modification time in seconds since the epoch, or undefined to keep "now"
 */
export function copyFileTo(src: string | Buffer, dest: string | Buffer, perm: number, mtime?: number): void {
  try {
    copyFileSync(src, dest, COPY_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
    const original = statSync(src).mode & 0o7777;
    chmodSync(src, original | 0o400);
    try {
      copyFileSync(src, dest, COPY_FLAGS);
    } finally {
      chmodSync(src, original);
    }
    chmodSync(dest, perm & 0o777);
  }
  if (mtime !== undefined) utimesSync(dest, mtime, mtime);
}
