import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "../errors.js";
import { isLockLive, readLockFile, unlinkQuiet } from "../lock/lock-file.js";
import { isPidAlive } from "../lock/process-identity.js";
import { EXCLUSIVE_LOCK_NAME, SHARED_LOCK_PREFIX } from "../lock/store-lock.js";
import { assertSha256Hex, formatPerm, parseObjectId } from "../store/ids.js";
import type { Store } from "../store/store.js";
import { listFanOut } from "./store-listing.js";

/** Options of {@link gc}. */
export interface GcOptions {
  /** Extra commit ids to keep (with everything they reference), besides those reachable from refs. */
  keep?: Iterable<string>;
  /** Count what would be removed without removing anything. */
  dryRun?: boolean;
}

/** What {@link gc} removed (or, with `dryRun`, would remove). */
export interface GcResult {
  /** Unreachable commits removed. */
  commitsRemoved: number;
  /** Unreferenced objects removed. */
  objectsRemoved: number;
  /** Bytes of removed objects no checkout still hard-links (their space is really free now). */
  bytesFreed: number;
  /** Source-index entries removed (their commit was removed or never existed). */
  indexEntriesRemoved: number;
  /** Temp files left by killed processes, removed. */
  tempFilesRemoved: number;
  /** Commits kept. */
  commitsKept: number;
  /** Objects kept. */
  objectsKept: number;
}

const ID_LINE = /^([0-9a-f]{64})\n$/;
const COMMIT_FILE = /^([0-9a-f]{2})\/(\1[0-9a-f]{62})\.json$/;

/**
 * Removes every commit and object that no ref (checkout registers its roots as refs) and no
 * commit in `keep` reaches, following commits' `references`; then source-index entries whose
 * commit is gone, and stale temp and lock files. Runs under the exclusive store lock, so it waits
 * for in-flight imports and no import starts meanwhile. Removes nothing when a ref or reachable
 * commit is damaged (`STORE_CORRUPT_REF` / `STORE_CORRUPT_COMMIT`: run fsck first). Removal goes
 * index entries, then commits, then objects, so a gc killed midway leaves a consistent store.
 * @param store - the store to collect
 * @param options - extra roots, dry run
 */
export async function gc(store: Store, options: GcOptions = {}): Promise<GcResult> {
  return store.withExclusiveLock(() => runGc(store, options));
}

async function runGc(store: Store, options: GcOptions): Promise<GcResult> {
  const dir = store.dir;
  const dry = options.dryRun ?? false;
  const result: GcResult = {
    commitsRemoved: 0,
    objectsRemoved: 0,
    bytesFreed: 0,
    indexEntriesRemoved: 0,
    tempFilesRemoved: 0,
    commitsKept: 0,
    objectsKept: 0,
  };

  // Mark.
  const pending: string[] = [];
  for (const ref of await store.listRefs()) pending.push(ref.commitId);
  for (const id of options.keep ?? []) {
    assertSha256Hex(id, "gc keep commit id");
    pending.push(id);
  }
  const liveCommits = new Set<string>();
  const liveObjects = new Set<string>();
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (liveCommits.has(id)) continue;
    if (!(await store.hasCommit(id))) continue;
    liveCommits.add(id);
    const commit = await store.readCommit(id).catch((cause: unknown) => {
      throw new GroveError("STORE_CORRUPT_COMMIT", `gc removed nothing: reachable ${(cause as Error).message}`, {
        subject: id,
        cause,
        hint: "run `grove fsck` and repair or remove the damaged commit's refs first",
      });
    });
    for (const entry of commit.entries) {
      if (entry.object !== undefined) liveObjects.add(`${entry.object}.${formatPerm(entry.mode & 0o777)}`);
    }
    for (const objectId of commit.objects ?? []) liveObjects.add(objectId);
    for (const ref of commit.references ?? []) pending.push(ref);
  }

  // Sweep: index entries, then commits, then objects.
  const remove = async (file: string) => {
    if (!dry) await unlinkQuiet(file);
  };
  for (const rel of (await listFanOut(dir, "index/source")).files) {
    const file = path.join(dir, "index/source", rel);
    const text = await readFile(file, "latin1").catch(() => "");
    const m = ID_LINE.exec(text);
    if (m === null || !liveCommits.has(m[1]!)) {
      await remove(file);
      result.indexEntriesRemoved++;
    }
  }
  for (const rel of (await listFanOut(dir, "commits")).files) {
    const m = COMMIT_FILE.exec(rel);
    if (m === null) continue;
    if (liveCommits.has(m[2]!)) {
      result.commitsKept++;
    } else {
      await remove(path.join(dir, "commits", rel));
      result.commitsRemoved++;
    }
  }
  for (const rel of (await listFanOut(dir, "objects")).files) {
    const name = rel.slice(3);
    if (parseObjectId(name) === undefined) continue;
    if (liveObjects.has(name)) {
      result.objectsKept++;
      continue;
    }
    const file = path.join(dir, "objects", rel);
    const st = await lstat(file).catch(() => undefined);
    if (st === undefined) continue;
    await remove(file);
    result.objectsRemoved++;
    if (st.nlink === 1) result.bytesFreed += st.size;
  }

  // Leftovers of killed processes: every temp file (no writer runs now) and dead lock files.
  for (const name of await readdir(store.tmpDir).catch(() => [] as string[])) {
    await remove(path.join(store.tmpDir, name));
    result.tempFilesRemoved++;
  }
  if (!dry) await removeDeadLockFiles(store.locksDir);
  return result;
}

async function removeDeadLockFiles(locksDir: string): Promise<void> {
  for (const name of await readdir(locksDir).catch(() => [] as string[])) {
    const file = path.join(locksDir, name);
    const tmp = /^\.tmp\.(\d+)\./.exec(name);
    if (tmp !== null) {
      if (!isPidAlive(Number(tmp[1]))) await unlinkQuiet(file);
      continue;
    }
    // Shared-lock files of dead processes went when the exclusive lock was taken; this gc holds `store.exclusive`.
    if (name === EXCLUSIVE_LOCK_NAME || name.startsWith(SHARED_LOCK_PREFIX)) continue;
    const content = await readLockFile(file);
    if (content !== undefined && !isLockLive(content)) await unlinkQuiet(file);
  }
}
