import { existsSync } from "node:fs";
import { type FsckOptions, type FsckResult, fsck, type GcResult, gc } from "@grove/core";
import { listRoots, type PruneResult, pruneGenerations } from "../generations/manage-roots.js";
import { openGroveDir } from "./grove-dir.js";

/** What {@link collectGarbage} removed. */
export interface CollectGarbageResult {
  /** Per root: generations kept and removed. */
  pruned: PruneResult[];
  /** The store's gc: commits, objects and bytes freed. */
  gc: GcResult;
}

/**
 * Removes old generations (keeping the newest `keep` of each root, plus the current one), then
 * collects the store: package commits and file objects no remaining generation references go.
 * @param dir - the grove directory
 * @param options - `keep`: generations to keep per root (default 2)
 * @throws GroveError `CHECKOUT_BAD_OPTION` for a bad `keep`, `STORE_*`
 */
export async function collectGarbage(dir: string, options: { keep?: number } = {}): Promise<CollectGarbageResult> {
  const store = await openGroveDir(dir);
  const pruned = await pruneGenerations(store, { keep: options.keep ?? 2 });
  return { pruned, gc: await gc(store) };
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
