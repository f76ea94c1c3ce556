import { lstatSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Store } from "@grove/core";
import { recipeCacheDir, recipeCommits } from "../recipe/checkout-recipe.js";
import { readCachedRpmdb, rpmdbCacheDir } from "../root-rpmdb-cache.js";
import { rpmdbSourceByHint } from "../root-rpmdb-sources.js";
import { readSolveCache, solveCacheDir } from "./solve-cache.js";

/** What {@link pruneCaches} removed. */
export interface PrunedCaches {
  /** Cached rpmdbs (`cache/rpmdb/<key>.rpmdb.gz`) of package sets the store no longer holds, or unreadable. */
  rpmdbs: number;
  /** Symlink-pool entries (`cache/symlinks/<sha256>`) no root links any more (link count 1). */
  symlinks: number;
  /** Checkout recipes (`cache/checkouts/<key>.json`) naming a commit the store no longer holds, or unreadable. */
  recipes: number;
  /** Cached solutions (`cache/solve/<key>.json`) with a package the store no longer holds, or unreadable. */
  solutions: number;
}

/**
 * Removes cache entries that serve nothing any more; run by `collectGarbage` after the store's gc.
 * - A cached rpmdb is kept while every package of its set is still in the store (by its sha256 in the
 *   source index): then a root of that set can be assembled without a download and copies it.
 * - A checkout recipe is kept while the store holds every commit it names; a cached solution while it holds every
 *   package of it.
 * - A symlink-pool entry is kept while some root hard-links it. An `assemble` running meanwhile that
 *   loses an entry falls back to creating its symlink directly (see `SymlinkPool`), so this is safe
 *   without a lock.
 * Never throws for a cache entry it cannot read or remove: the caches are optimisations.
 * @param store - the grove directory's store
 */
export async function pruneCaches(store: Store): Promise<PrunedCaches> {
  return {
    rpmdbs: await pruneRpmdbCache(store),
    symlinks: pruneSymlinkPool(store.dir),
    recipes: await pruneRecipes(store),
    solutions: await pruneSolutions(store),
  };
}

async function pruneSolutions(store: Store): Promise<number> {
  const dir = solveCacheDir(store.dir);
  let removed = 0;
  for (const name of listDir(dir)) {
    const solved = name.endsWith(".json") ? readSolveCache(store.dir, name.slice(0, -".json".length)) : undefined;
    const keys = solved?.map((p) => `${p.nevra} ${p.sha256}`);
    if (keys !== undefined && (await allPackagesStored(store, keys))) continue;
    if (removeFile(path.join(dir, name))) removed++;
  }
  return removed;
}

async function pruneRecipes(store: Store): Promise<number> {
  const dir = recipeCacheDir(store.dir);
  let removed = 0;
  for (const name of listDir(dir)) {
    const file = path.join(dir, name);
    const commits = name.endsWith(".json") ? recipeCommits(file) : undefined;
    if (commits !== undefined && (await allCommitsStored(store, commits))) continue;
    if (removeFile(file)) removed++;
  }
  return removed;
}

async function allCommitsStored(store: Store, commits: readonly string[]): Promise<boolean> {
  for (const id of commits) {
    if (!/^[0-9a-f]{64}$/.test(id) || !(await store.hasCommit(id).catch(() => false))) return false;
  }
  return true;
}

async function pruneRpmdbCache(store: Store): Promise<number> {
  const dir = rpmdbCacheDir(store.dir);
  let removed = 0;
  for (const name of listDir(dir)) {
    // Notes of which generation holds a set's rpmdb go quietly once that generation is gone.
    if (name.endsWith(".where") && rpmdbSourceByHint(store.dir, name.slice(0, -".where".length)) === undefined) {
      removeFile(path.join(dir, name));
    }
    if (!name.endsWith(".rpmdb.gz")) continue;
    const cached = readCachedRpmdb(store.dir, name.slice(0, -".rpmdb.gz".length));
    if (cached !== undefined && (await allPackagesStored(store, cached.packageKeys))) continue;
    if (removeFile(path.join(dir, name))) removed++;
  }
  return removed;
}

/** True when the store still holds each package, by the sha256 that ends its `NEVRA sha256` key. */
async function allPackagesStored(store: Store, packageKeys: readonly string[]): Promise<boolean> {
  for (const key of packageKeys) {
    const sha256 = key.slice(key.lastIndexOf(" ") + 1);
    if (!/^[0-9a-f]{64}$/.test(sha256)) return false;
    const commit = await store.lookupSource(sha256).catch(() => undefined);
    if (commit === undefined || !(await store.hasCommit(commit))) return false;
  }
  return true;
}

function pruneSymlinkPool(storeDir: string): number {
  const dir = path.join(storeDir, "cache", "symlinks");
  let removed = 0;
  for (const name of listDir(dir)) {
    const file = path.join(dir, name);
    try {
      if (lstatSync(file).nlink > 1) continue;
    } catch {
      continue;
    }
    if (removeFile(file)) removed++;
  }
  return removed;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function removeFile(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch {
    return false;
  }
}
