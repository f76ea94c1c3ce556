import { mkdirSync } from "node:fs";
import path from "node:path";
import { acquireLockFile, type Store } from "@grove/core/store";
import type { RootLayout } from "./grove-layout.js";

/**
 * Runs `fn` holding root `layout.name`'s lock (`locks/root.NAME`, core's lock-file format: a dead
 * holder's lock is broken, a live one waited for up to the store's lock timeout, then
 * `STORE_LOCK_TIMEOUT`). Two processes assembling, rolling back or removing the same root are
 * serialised; different roots proceed in parallel.
 * @param store - the store (lock directory and timeout)
 * @param layout - the root
 * @param fn - what to do while holding the lock
 */
export async function withRootLock<T>(store: Store, layout: RootLayout, fn: () => Promise<T>): Promise<T> {
  mkdirSync(path.dirname(layout.lockFile), { recursive: true });
  const held = await acquireLockFile(layout.lockFile, store.lockTimeoutMs, `root ${layout.name}`);
  try {
    return await fn();
  } finally {
    await held.release();
  }
}
