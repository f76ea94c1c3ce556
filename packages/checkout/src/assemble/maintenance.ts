import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { type FsckOptions, type FsckResult, fsck, type GcResult, gc, isGroveError, type Store } from "@grove/core";
import { listRoots, type PruneResult, pruneGenerations } from "../generations/manage-roots.js";
import { openGroveDir } from "./grove-dir.js";
import { type PrunedCaches, pruneCaches } from "./prune-caches.js";

/** Options of {@link collectGarbage}. */
export interface CollectGarbageOptions {
  /** Generations to keep per root, besides the current one (default 2). */
  keep?: number;
  /**
   * Package refs (`rpm/...`) younger than this many milliseconds are kept even when no generation
   * uses the package: an `assemble` running meanwhile may have just imported it (default 15 minutes).
   */
  packageGraceMs?: number;
}

/** What {@link collectGarbage} removed. */
export interface CollectGarbageResult {
  /** Per root: generations kept and removed. */
  pruned: PruneResult[];
  /** Package refs (`rpm/<name>/<evr>.<arch>`) dropped because no remaining generation uses the package. */
  packageRefsRemoved: number;
  /** The store's gc: commits, objects and bytes freed. */
  gc: GcResult;
  /** Cache entries removed after the store's gc (rpmdbs of sets the store lost, unused pool symlinks). */
  caches: PrunedCaches;
}

/** Default of {@link CollectGarbageOptions.packageGraceMs}. */
export const DEFAULT_PACKAGE_GRACE_MS = 15 * 60_000;

/**
 * Frees what old generations held: removes old generations (keeping the newest `keep` of each root,
 * plus the current one), drops the package refs (`rpm/...`, set when a package is imported) of
 * packages no remaining generation uses, then collects the store: those package commits and every
 * file object only they used go. A later assembly that needs such a package downloads it again.
 * Last, cache entries that serve nothing any more go ({@link pruneCaches}).
 * @param dir - the grove directory
 * @param options - generations to keep, grace period of recently imported packages
 * @throws GroveError `CHECKOUT_BAD_OPTION` for a bad `keep`, `STORE_*`
 */
export async function collectGarbage(dir: string, options: CollectGarbageOptions = {}): Promise<CollectGarbageResult> {
  const store = await openGroveDir(dir);
  const pruned = await pruneGenerations(store, { keep: options.keep ?? 2 });
  const packageRefsRemoved = await dropUnusedPackageRefs(store, options.packageGraceMs ?? DEFAULT_PACKAGE_GRACE_MS);
  const collected = await gc(store);
  return { pruned, packageRefsRemoved, gc: collected, caches: await pruneCaches(store) };
}

/**
 * Deletes `rpm/...` refs whose commit no generation record lists and whose ref file is older than
 * the grace period. Generations keep their packages through their own refs (`roots/NAME/G`), so
 * this never endangers a root.
 */
async function dropUnusedPackageRefs(store: Store, graceMs: number): Promise<number> {
  const used = new Set<string>();
  for (const root of listRoots(store)) {
    for (const g of root.generations) for (const p of g.state?.packages ?? []) used.add(p.commitId);
  }
  const cutoff = Date.now() - graceMs;
  let removed = 0;
  for (const ref of await store.listRefs("rpm/")) {
    if (used.has(ref.commitId)) continue;
    let mtime: number;
    try {
      mtime = statSync(path.join(store.dir, "refs", ref.name)).mtimeMs;
    } catch {
      continue;
    }
    if (mtime > cutoff) continue;
    try {
      if (await store.deleteRef(ref.name, { expected: ref.commitId })) removed++;
    } catch (err) {
      if (!isGroveError(err) || err.code !== "STORE_REF_CHANGED") throw err; // re-imported meanwhile: keep
    }
  }
  return removed;
}

/** A problem with a root (its symlink or generation records), as {@link checkGroveDir} reports it. */
export interface RootProblem {
  /** `root-current-missing`: the symlink names a generation without tree or record; `root-record-damaged`: a record cannot be read. */
  kind: "root-current-missing" | "root-record-damaged";
  /** `roots/NAME` or `state/roots/NAME/G.json`. */
  subject: string;
  /** What is wrong. */
  message: string;
}

/** What {@link checkGroveDir} found. */
export interface CheckGroveDirResult {
  /** True when neither the store nor any root has a problem. */
  ok: boolean;
  /** The store's check (objects re-hashed: a file changed through a hard link in a root shows here). */
  store: FsckResult;
  /** Problems with roots. */
  roots: RootProblem[];
}

/**
 * Checks a grove directory: the store (every object re-hashed, commits, refs, source index) and the
 * roots (each current symlink names a complete generation; every generation record is readable).
 * Leftovers of interrupted runs are not problems (the next run removes them).
 * @param dir - the grove directory
 * @param options - fsck progress and thread count
 */
export async function checkGroveDir(dir: string, options: FsckOptions = {}): Promise<CheckGroveDirResult> {
  const store = await openGroveDir(dir);
  const storeResult = await fsck(store, options);
  const roots: RootProblem[] = [];
  for (const root of listRoots(store)) {
    for (const g of root.generations) {
      if (g.damaged !== undefined) {
        roots.push({
          kind: "root-record-damaged",
          subject: `state/roots/${root.name}/${g.generation}.json`,
          message: g.damaged,
        });
      }
    }
    if (root.current === undefined) continue;
    const current = root.generations.find((g) => g.generation === root.current);
    if (current === undefined || !current.complete || !existsSync(current.path)) {
      roots.push({
        kind: "root-current-missing",
        subject: `roots/${root.name}`,
        message: `roots/${root.name} points at generation ${root.current}, which has no complete tree and record`,
      });
    }
  }
  return { ok: storeResult.ok && roots.length === 0, store: storeResult, roots };
}
