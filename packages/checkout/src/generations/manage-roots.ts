import { lstatSync, readdirSync, rmdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { GroveError, type Store } from "@grove/core/store";
import { pointRootAt } from "./activate.js";
import { type GenerationState, readGenerationStateFile } from "./generation-state.js";
import { generationDir, type RootLayout, rootLayout, stateFile } from "./grove-layout.js";
import { cleanLeftovers, removeGeneration } from "./remove-generation.js";
import { withRootLock } from "./root-lock.js";
import { type RootScan, scanRoot } from "./scan-root.js";

/** One generation of a root, as {@link listRoots} reports it. */
export interface GenerationInfo {
  /** Generation number. */
  generation: number;
  /** Its tree (`<dir>/roots/NAME.G`). */
  path: string;
  /** True when `roots/NAME` points at it. */
  current: boolean;
  /** True when both its tree and its record exist (false: an interrupted build or removal). */
  complete: boolean;
  /** Its record (`state/roots/NAME/G.json`), when readable. */
  state?: GenerationState;
  /** The problem with its record, when it exists but cannot be read. */
  damaged?: string;
}

/** One root, as {@link listRoots} reports it. */
export interface RootInfo {
  /** Root name. */
  name: string;
  /** `<dir>/roots/NAME`. */
  path: string;
  /** The current generation, if the symlink exists. */
  current: number | undefined;
  /** Its generations, oldest first. */
  generations: GenerationInfo[];
}

/**
 * Lists the roots of a grove directory with their generations (records included: packages, repos,
 * sizes). Reads only; no lock is taken, so a concurrent assembly may or may not be seen.
 * @param store - the store whose directory holds `roots/` and `state/roots/`
 */
export function listRoots(store: Pick<Store, "dir">): RootInfo[] {
  const names = new Set<string>();
  for (const name of safeReaddir(path.join(store.dir, "state", "roots"))) names.add(name);
  for (const name of safeReaddir(path.join(store.dir, "roots"))) {
    if (name.startsWith(".")) continue;
    try {
      if (lstatSync(path.join(store.dir, "roots", name)).isSymbolicLink()) names.add(name);
    } catch {
      // vanished meanwhile
    }
  }
  const out: RootInfo[] = [];
  for (const name of [...names].sort()) {
    let layout: RootLayout;
    try {
      layout = rootLayout(store.dir, name);
    } catch {
      continue; // not a root name: not ours
    }
    out.push(describeRoot(layout, scanRoot(layout)));
  }
  return out;
}

/** {@link RootInfo} of one root; throws `CHECKOUT_ROOT_NOT_FOUND` when nothing of it exists. */
export function getRoot(store: Pick<Store, "dir">, name: string): RootInfo {
  const layout = rootLayout(store.dir, name);
  const scan = scanRoot(layout);
  if (scan.current === undefined && scan.trees.size === 0 && scan.records.size === 0) throw rootNotFound(layout);
  return describeRoot(layout, scan);
}

function describeRoot(layout: RootLayout, scan: RootScan): RootInfo {
  const generations = [...new Set([...scan.trees, ...scan.records])].sort((a, b) => a - b);
  return {
    name: layout.name,
    path: layout.link,
    current: scan.current,
    generations: generations.map((g) => {
      const info: GenerationInfo = {
        generation: g,
        path: generationDir(layout, g),
        current: g === scan.current,
        complete: scan.trees.has(g) && scan.records.has(g),
      };
      if (scan.records.has(g)) {
        try {
          info.state = readGenerationStateFile(stateFile(layout, g));
        } catch (err) {
          info.damaged = (err as Error).message;
        }
      }
      return info;
    }),
  };
}

/** Result of {@link rollbackRoot}. */
export interface RollbackResult {
  /** Root name. */
  name: string;
  /** The generation that was current. */
  from: number;
  /** The generation that is current now. */
  to: number;
  /** Its tree. */
  path: string;
}

/**
 * Makes an earlier generation current again by swapping the symlink atomically; both generations
 * are kept (a later assembly merges `/etc` from whichever is current). Default target: the newest
 * complete generation older than the current one. Throws `CHECKOUT_ROOT_NOT_FOUND`,
 * `CHECKOUT_NO_PREVIOUS_GENERATION`, or `CHECKOUT_GENERATION_NOT_FOUND` for a `to` that is not complete.
 * @param store - the store
 * @param name - the root
 * @param options - `to`: the generation to go back (or forward) to
 */
export async function rollbackRoot(store: Store, name: string, options: { to?: number } = {}): Promise<RollbackResult> {
  const layout = rootLayout(store.dir, name);
  return withRootLock(store, layout, async () => {
    const scan = await cleanLeftovers(store, layout, scanRoot(layout));
    if (scan.current === undefined) throw rootNotFound(layout);
    const complete = [...scan.trees].filter((g) => scan.records.has(g)).sort((a, b) => a - b);
    let to: number | undefined;
    if (options.to !== undefined) {
      if (!complete.includes(options.to)) {
        throw new GroveError(
          "CHECKOUT_GENERATION_NOT_FOUND",
          `root ${name} has no complete generation ${options.to} (it has ${complete.join(", ") || "none"})`,
          { subject: `${name}.${options.to}` },
        );
      }
      to = options.to;
    } else {
      to = complete.filter((g) => g < scan.current!).pop();
      if (to === undefined) {
        throw new GroveError(
          "CHECKOUT_NO_PREVIOUS_GENERATION",
          `root ${name} has no generation older than the current one (${scan.current}) to roll back to`,
          { subject: name, hint: "`grove gc` keeps the last 2 generations; older ones are gone" },
        );
      }
    }
    pointRootAt(layout, to);
    return { name, from: scan.current, to, path: generationDir(layout, to) };
  });
}

/** Result of {@link removeRoot}. */
export interface RemoveRootResult {
  /** Root name. */
  name: string;
  /** Generations removed. */
  generations: number[];
}

/**
 * Removes a root: first its symlink (so the root disappears at once), then every generation (tree,
 * record, ref; read-only directories included) and its state directory, keeping each generation's intact rpmdb in
 * the rpmdb cache (see `keepRemovedRpmdb`). The package commits become
 * unreferenced and go at the next store gc. Throws `CHECKOUT_ROOT_NOT_FOUND` when nothing of it exists.
 * @param store - the store
 * @param name - the root
 */
export async function removeRoot(store: Store, name: string): Promise<RemoveRootResult> {
  const layout = rootLayout(store.dir, name);
  return withRootLock(store, layout, async () => {
    const scan = scanRoot(layout);
    const generations = [...new Set([...scan.trees, ...scan.records])].sort((a, b) => a - b);
    if (scan.current === undefined && generations.length === 0 && scan.leftovers.length === 0) {
      throw rootNotFound(layout);
    }
    try {
      unlinkSync(layout.link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    // Loaded here: reading roots (list, upgrade) needs none of the rpmdb code.
    const { keepRemovedRpmdb } = await import("../root-rpmdb-cache.js");
    for (const g of generations) {
      // The database goes to the rpmdb cache, so the same package set assembled again is a copy.
      if (scan.trees.has(g)) keepRemovedRpmdb(store.dir, layout, g);
      await removeGeneration(store, layout, g);
    }
    await cleanLeftovers(store, layout, { ...scanRoot(layout), current: undefined });
    try {
      rmdirSync(layout.stateDir);
    } catch {
      // not empty (foreign files) or already gone
    }
    return { name, generations };
  });
}

/** One root's outcome of {@link pruneGenerations}. */
export interface PruneResult {
  /** Root name. */
  name: string;
  /** Generations kept. */
  kept: number[];
  /** Generations removed. */
  removed: number[];
}

/**
 * Removes old generations, keeping the newest `keep` (default 2) of each root plus the current one
 * (after a rollback the current one may be older). Leftovers of interrupted runs go too. Follow with
 * the store's gc to free the package commits no generation references any more.
 * Throws `CHECKOUT_BAD_OPTION` when `keep` is not a positive integer.
 * @param store - the store
 * @param options - `name`: only this root (default all); `keep`: generations to keep per root
 */
export async function pruneGenerations(
  store: Store,
  options: { name?: string; keep?: number } = {},
): Promise<PruneResult[]> {
  const keep = options.keep ?? 2;
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new GroveError("CHECKOUT_BAD_OPTION", `keep must be a positive integer, not ${JSON.stringify(keep)}`);
  }
  const names = options.name !== undefined ? [getRoot(store, options.name).name] : listRoots(store).map((r) => r.name);
  const out: PruneResult[] = [];
  for (const name of names) {
    const layout = rootLayout(store.dir, name);
    out.push(
      await withRootLock(store, layout, async () => {
        const scan = await cleanLeftovers(store, layout, scanRoot(layout));
        const all = [...new Set([...scan.trees, ...scan.records])].sort((a, b) => b - a);
        const kept = new Set(all.slice(0, keep));
        if (scan.current !== undefined) kept.add(scan.current);
        const removed: number[] = [];
        for (const g of all) {
          if (kept.has(g)) continue;
          await removeGeneration(store, layout, g);
          removed.push(g);
        }
        return { name, kept: [...kept].sort((a, b) => a - b), removed: removed.sort((a, b) => a - b) };
      }),
    );
  }
  return out;
}

function rootNotFound(layout: RootLayout): GroveError {
  return new GroveError(
    "CHECKOUT_ROOT_NOT_FOUND",
    `there is no root named ${layout.name} in ${path.dirname(layout.rootsDir)}`,
    {
      subject: layout.name,
      hint: "see `grove list`",
    },
  );
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
