import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GroveError } from "../errors.js";
import { Backoff } from "./backoff.js";
import { isHolderAlive, type LockHolder, newLockHolder } from "./process-identity.js";

/** A lock file this process holds; call {@link HeldLockFile.release} exactly once. */
export interface HeldLockFile {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): Promise<void>;
}

/** What a lock file says about its holder. */
export interface LockFileContent {
  /** The file's exact text (compared before breaking a stale lock). */
  raw: string;
  /** The parsed holder; `undefined` when the text is not a holder (treated as stale). */
  holder: LockHolder | undefined;
}

/**
 * Creates `file` holding `holder` as JSON, atomically and only if it does not exist (the
 * O_EXCL guarantee): the text goes to a unique temp file that is then hard-linked to `file`;
 * `link` fails with EEXIST when the lock is taken, and a lock file is never seen half-written.
 * @returns false when the lock file already exists
 */
export async function tryCreateLockFile(file: string, holder: LockHolder): Promise<boolean> {
  // Synchronous calls throughout the lock files: each is one system call on a small file, microseconds, where a
  // round trip through the thread pool costs a hundred times more (a warm assemble takes and drops locks 10+ times).
  const tmp = path.join(path.dirname(file), `.tmp.${holder.pid}.${holder.nonce}`);
  writeFileSync(tmp, `${JSON.stringify(holder)}\n`, { flag: "wx" });
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // gone already
    }
  }
}

/** Reads a lock file; `undefined` when it does not exist. */
export async function readLockFile(file: string): Promise<LockFileContent | undefined> {
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return { raw, holder: parseHolder(raw) };
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof v.pid === "number" && typeof v.start === "string" && typeof v.host === "string") {
      return { pid: v.pid, start: v.start, host: v.host, nonce: String(v.nonce ?? "") };
    }
  } catch {
    // fall through: not a holder
  }
  return undefined;
}

/** True when the content names a live holder. */
export function isLockLive(content: LockFileContent): boolean {
  return content.holder !== undefined && isHolderAlive(content.holder);
}

/**
 * Removes the lock file `file` if it still has exactly the stale `content`. Breakers exclude
 * each other with a `<file>.break` guard lock, so a lock re-taken between the staleness check and
 * the removal is never removed by mistake. A guard whose holder died is removed at once.
 */
export async function breakStaleLockFile(file: string, content: LockFileContent): Promise<void> {
  const guard = `${file}.break`;
  const me = newLockHolder();
  if (!(await tryCreateLockFile(guard, me))) {
    const other = await readLockFile(guard);
    if (other !== undefined && !isLockLive(other)) await unlinkQuiet(guard);
    return;
  }
  try {
    const again = await readLockFile(file);
    if (again !== undefined && again.raw === content.raw) await unlinkQuiet(file);
  } finally {
    await releaseIfOurs(guard, me);
  }
}

/**
 * Takes the exclusive lock file `file`, waiting with backoff while a live process holds it and
 * breaking it when its holder is dead. Throws `STORE_LOCK_TIMEOUT` after `timeoutMs`.
 * @param file - lock file path
 * @param timeoutMs - how long to wait
 * @param what - what the lock protects, for the timeout message
 */
export async function acquireLockFile(file: string, timeoutMs: number, what: string): Promise<HeldLockFile> {
  const me = newLockHolder();
  const backoff = new Backoff(timeoutMs);
  for (;;) {
    if (await tryCreateLockFile(file, me)) {
      let released = false;
      return {
        path: file,
        release: async () => {
          if (released) return;
          released = true;
          await releaseIfOurs(file, me);
        },
      };
    }
    const current = await readLockFile(file);
    if (current === undefined) continue;
    if (!isLockLive(current)) {
      await breakStaleLockFile(file, current);
      continue;
    }
    if (backoff.expired) throw lockTimeout(file, what, current.holder);
    await backoff.wait();
  }
}

/** The error for a lock not obtained in time. */
export function lockTimeout(file: string, what: string, holder: LockHolder | undefined): GroveError {
  const by = holder === undefined ? "" : ` (held by pid ${holder.pid} on ${holder.host})`;
  return new GroveError("STORE_LOCK_TIMEOUT", `timed out waiting for the ${what} lock ${file}${by}`, {
    subject: file,
    hint: "another grove process is using the store; wait for it or stop it (a dead holder's lock is broken automatically)",
  });
}

async function releaseIfOurs(file: string, me: LockHolder): Promise<void> {
  const current = await readLockFile(file);
  if (current?.holder?.nonce === me.nonce && current.holder.pid === me.pid) await unlinkQuiet(file);
}

/** Unlinks `file`, ignoring ENOENT. */
export async function unlinkQuiet(file: string): Promise<void> {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}
