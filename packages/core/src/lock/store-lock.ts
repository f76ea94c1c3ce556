import { readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GroveError } from "../errors.js";
import { Backoff } from "./backoff.js";
import {
  acquireLockFile,
  breakStaleLockFile,
  type HeldLockFile,
  isLockLive,
  lockTimeout,
  readLockFile,
  unlinkQuiet,
} from "./lock-file.js";
import { isHolderAlive, type LockHolder, newLockHolder } from "./process-identity.js";

/** Name of the exclusive store lock file inside `locks/`. */
export const EXCLUSIVE_LOCK_NAME = "store.exclusive";
/** Prefix of shared (reader) lock files inside `locks/`: `shared_<pid>_<start>_<nonce>_<host>`. */
export const SHARED_LOCK_PREFIX = "shared_";

/** Releases a lock; resolves once the lock file is gone. Idempotent. */
export type ReleaseLock = () => Promise<void>;

/**
 * The store-wide reader/writer lock. Imports, ref updates and fsck hold it shared; gc holds it
 * exclusive. Every shared holder creates its own file `locks/shared_<pid>_<start>_<nonce>_<host>`
 * (no contention), then checks for `locks/store.exclusive`; the exclusive holder creates
 * `store.exclusive` (O_EXCL-style), then waits until no live shared file remains. Because each
 * side announces itself before looking at the other, they never both proceed; a shared holder that
 * sees the exclusive lock withdraws and waits, so gc is not starved. Files of dead processes are
 * removed by whoever finds them. Within one {@link Store} object the shared lock is re-entrant.
 */
export class StoreLock {
  private sharedCount = 0;
  private sharedReady: Promise<string> | undefined;
  private exclusive: HeldLockFile | undefined;

  /**
   * @param locksDir - the store's `locks/` directory
   * @param timeoutMs - how long to wait for a lock before `STORE_LOCK_TIMEOUT`
   */
  constructor(
    private readonly locksDir: string,
    private readonly timeoutMs: number,
  ) {}

  /** True while this object holds the lock shared or exclusive. */
  get held(): boolean {
    return this.sharedCount > 0 || this.exclusive !== undefined;
  }

  /** Takes the lock shared (re-entrant); the returned function releases this hold. */
  async acquireShared(): Promise<ReleaseLock> {
    if (this.exclusive !== undefined) return async () => undefined;
    this.sharedCount++;
    try {
      if (this.sharedReady === undefined) this.sharedReady = this.createSharedFile();
      await this.sharedReady;
    } catch (err) {
      this.sharedCount--;
      if (this.sharedCount === 0) this.sharedReady = undefined;
      throw err;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.sharedCount--;
      if (this.sharedCount > 0) return;
      const ready = this.sharedReady;
      this.sharedReady = undefined;
      if (ready !== undefined) await unlinkQuiet(await ready);
    };
  }

  /**
   * Takes the lock exclusive: waits until no other process holds it in either mode. Throws
   * `STORE_LOCK_CONFLICT` if this object already holds it (gc inside an import would deadlock).
   */
  async acquireExclusive(): Promise<ReleaseLock> {
    if (this.held) {
      throw new GroveError(
        "STORE_LOCK_CONFLICT",
        `the store lock in ${this.locksDir} is already held by this Store (an import or fsck is in progress)`,
        { subject: this.locksDir, hint: "run gc after the import or fsck has finished" },
      );
    }
    const file = path.join(this.locksDir, EXCLUSIVE_LOCK_NAME);
    const held = await acquireLockFile(file, this.timeoutMs, "exclusive store");
    try {
      await this.waitForSharedHolders();
    } catch (err) {
      await held.release();
      throw err;
    }
    this.exclusive = held;
    return async () => {
      if (this.exclusive !== held) return;
      this.exclusive = undefined;
      await held.release();
    };
  }

  private async createSharedFile(): Promise<string> {
    const exclusiveFile = path.join(this.locksDir, EXCLUSIVE_LOCK_NAME);
    const backoff = new Backoff(this.timeoutMs);
    for (;;) {
      const me = newLockHolder();
      const file = path.join(this.locksDir, sharedFileName(me));
      writeFileSync(file, "", { flag: "wx" });
      const exclusive = await readLockFile(exclusiveFile);
      if (exclusive === undefined) return file;
      if (!isLockLive(exclusive)) {
        await breakStaleLockFile(exclusiveFile, exclusive);
        return file;
      }
      await unlinkQuiet(file);
      // Wait for the exclusive holder to finish before announcing ourselves again.
      for (;;) {
        if (backoff.expired) throw lockTimeout(exclusiveFile, "store (shared)", exclusive.holder);
        await backoff.wait();
        const now = await readLockFile(exclusiveFile);
        if (now === undefined || now.raw !== exclusive.raw || !isLockLive(now)) break;
      }
    }
  }

  private async waitForSharedHolders(): Promise<void> {
    const backoff = new Backoff(this.timeoutMs);
    for (;;) {
      const live: LockHolder[] = [];
      for (const name of readdirSync(this.locksDir)) {
        const holder = parseSharedFileName(name);
        if (holder === undefined) continue;
        if (isHolderAlive(holder)) live.push(holder);
        else await unlinkQuiet(path.join(this.locksDir, name));
      }
      if (live.length === 0) return;
      if (backoff.expired) {
        throw new GroveError(
          "STORE_LOCK_TIMEOUT",
          `timed out waiting for ${live.length} process(es) using the store in ${path.dirname(this.locksDir)} ` +
            `(pid ${live.map((h) => h.pid).join(", ")}) to finish`,
          { subject: this.locksDir, hint: "wait for the imports/checkouts to finish, then retry" },
        );
      }
      await backoff.wait();
    }
  }
}

/** The file name of a shared lock held by `holder`. */
export function sharedFileName(holder: LockHolder): string {
  return `${SHARED_LOCK_PREFIX}${holder.pid}_${holder.start || "0"}_${holder.nonce}_${holder.host}`;
}

/** Parses a shared lock file name; `undefined` when `name` is not one. */
export function parseSharedFileName(name: string): LockHolder | undefined {
  if (!name.startsWith(SHARED_LOCK_PREFIX)) return undefined;
  const parts = name.slice(SHARED_LOCK_PREFIX.length).split("_");
  if (parts.length < 4) return undefined;
  const pid = Number(parts[0]);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const start = parts[1] === "0" ? "" : (parts[1] ?? "");
  return { pid, start, nonce: parts[2] ?? "", host: parts.slice(3).join("_") };
}
