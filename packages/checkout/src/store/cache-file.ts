import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes a file of one of the grove directory's caches (`cache/rpmdb`, `cache/checkouts`, `cache/solve`)
 * atomically: into a temporary file beside it (its directory created when missing), then renamed over it, so a
 * reader sees the old file or the whole new one, and a kill leaves at most a temporary file. Never throws: a cache
 * is an optimisation, and a file that cannot be written is only a later miss.
 * @param file - the cache file
 * @param data - its content
 * @returns whether the file was written
 */
export function writeCacheFile(file: string, data: string | Uint8Array): boolean {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, data, { mode: 0o644 });
    renameSync(tmp, file);
    return true;
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // left for the next gc
    }
    return false;
  }
}
