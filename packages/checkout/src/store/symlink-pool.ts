import { createHash } from "node:crypto";
import { linkSync, mkdirSync, readlinkSync, renameSync, symlinkSync, unlinkSync } from "node:fs";

/**
 * Creates symlinks as hard links to shared symlinks kept in `<dir>/cache/symlinks/<sha256 of the target>`.
 *
 * Creating a symlink allocates an inode, which on ext4 costs ten to forty times a `link` (measured
 * 100-1,000 µs against 10-15 µs); a hard link to an existing symlink is a symlink all the same (Linux
 * `link(2)` does not follow it, and a symlink's own mode, owner and times mean nothing), so a root of
 * 160 symlinks is written in a few milliseconds once the pool holds them. The pool fills itself:
 * a missing entry is created under a temporary name and renamed into place (atomic; a concurrent
 * writer's identical entry may replace it harmlessly). Each entry is checked with `readlink` once per
 * pool object before its first use, and replaced when it is not the expected symlink. When linking is
 * refused (EMLINK at the file system's link limit, EXDEV, EPERM under `fs.protected_hardlinks` for
 * another user's pool), the symlink is created directly, so the result never depends on the pool.
 */
export class SymlinkPool {
  private readonly dir: string;
  private readonly checked = new Set<string>();
  private enabled = true;
  private made = false;
  private counter = 0;

  /**
   * @param cacheDir - the directory holding the pool (`<grove dir>/cache/symlinks`); created on first use
   */
  constructor(cacheDir: string) {
    this.dir = cacheDir;
  }

  /**
   * Creates `dest` as a symlink to `target`.
   * @param target - the link text (a Buffer for bytes that are not UTF-8 text)
   * @param dest - the new path (must not exist; its directory must)
   * Throws what `symlink(2)` throws for `dest` (EEXIST, ENOENT, ...).
   */
  create(target: string | Buffer, dest: string | Buffer): void {
    if (this.enabled) {
      const shared = this.entryFor(target);
      if (shared !== undefined) {
        try {
          linkSync(shared, dest);
          return;
        } catch (err) {
          // EMLINK, a pool entry removed meanwhile, a bad `dest`: `symlink` below decides (and throws).
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "EXDEV" || code === "EPERM" || code === "EACCES") this.enabled = false;
        }
      }
    }
    symlinkSync(target, dest);
  }

  /** The pool entry for `target`, created or repaired when needed; undefined when the pool is unusable. */
  private entryFor(target: string | Buffer): string | undefined {
    const bytes = typeof target === "string" ? Buffer.from(target, "utf8") : target;
    const entry = `${this.dir}/${createHash("sha256").update(bytes).digest("hex")}`;
    if (this.checked.has(entry)) return entry;
    try {
      if (!readlinkSync(entry, { encoding: "buffer" }).equals(bytes)) {
        unlinkSync(entry);
        this.add(target, entry);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      try {
        if (code === "ENOENT") this.add(target, entry);
        else if (code === "EINVAL") {
          unlinkSync(entry); // not a symlink
          this.add(target, entry);
        } else throw err;
      } catch {
        this.enabled = false;
        return undefined;
      }
    }
    this.checked.add(entry);
    return entry;
  }

  private add(target: string | Buffer, entry: string): void {
    if (!this.made) {
      mkdirSync(this.dir, { recursive: true });
      this.made = true;
    }
    const temporary = `${this.dir}/.tmp-${process.pid}-${this.counter++}-${Math.random().toString(36).slice(2)}`;
    symlinkSync(target, temporary);
    try {
      renameSync(temporary, entry);
    } catch (err) {
      unlinkSync(temporary);
      throw err;
    }
  }
}

/**
 * The symlink pool of a store directory: `<dir>/cache/symlinks`.
 * @param storeDir - the grove directory
 */
export function symlinkPoolFor(storeDir: string): SymlinkPool {
  return new SymlinkPool(`${storeDir}/cache/symlinks`);
}
