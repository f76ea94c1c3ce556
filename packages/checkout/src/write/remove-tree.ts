import { chmodSync, lstatSync, readdirSync, rmSync } from "node:fs";

/**
 * Removes a directory tree (or a file) like `rm -rf`, also when it holds directories without owner
 * write or search permission (a root's `/proc` 0555, `/root` 0700 are fine; a read-only `0555`
 * directory blocks unlinking its entries for anyone but root): on EACCES/EPERM every directory is
 * made `u+rwx`, top-down, and the removal repeated. Files keep their modes (unlinking needs only
 * the directory's permission), so hard-linked store objects are never changed. A missing path is fine.
 * @param target - what to remove
 */
export function removeTree(target: string): void {
  try {
    rmSync(target, { recursive: true, force: true, maxRetries: 2 });
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM" && code !== "ENOTEMPTY") throw err;
  }
  makeDirsWritable(target);
  rmSync(target, { recursive: true, force: true, maxRetries: 2 });
}

function makeDirsWritable(dir: string): void {
  let info: ReturnType<typeof lstatSync>;
  try {
    info = lstatSync(dir);
  } catch {
    return;
  }
  if (!info.isDirectory()) return;
  if ((info.mode & 0o700) !== 0o700) chmodSync(dir, (info.mode & 0o7777) | 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) makeDirsWritable(`${dir}/${entry.name}`);
  }
}
