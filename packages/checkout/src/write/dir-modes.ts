import { chmodSync } from "node:fs";
import type { DirMode } from "../types.js";

/**
 * Applies final directory modes, in the given order (deepest first, as {@link checkoutCommits}
 * returns them): a directory without owner write or search permission is changed only after
 * everything below it is complete.
 * @param dirModes - directories and their modes, children before parents
 */
export function applyDirModes(dirModes: readonly DirMode[]): void {
  for (const d of dirModes) chmodSync(d.path, d.mode);
}

/**
 * The bits checkout applies to a directory: permissions and the sticky bit (`/tmp` 1777); never
 * setuid/setgid, which stay metadata (the manifest lists them) as for files.
 * @param mode - the entry's mode (`& 0o7777`)
 */
export function appliedDirMode(mode: number): number {
  return mode & 0o1777;
}
