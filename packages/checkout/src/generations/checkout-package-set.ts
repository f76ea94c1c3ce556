import path from "node:path";
import type { Entry, Store } from "@grove/core";
import { isGroveError } from "@grove/core/store";
import {
  type CheckoutStats,
  cleanUp,
  manifestFromPlan,
  manifestOf,
  type PlannedCheckout,
  planCheckout,
  planCounters,
} from "../checkout-commits.js";
import {
  dropRecipe,
  type LoadedRecipe,
  type RecipeCounters,
  type RecipePackage,
  readRecipe,
  recipeKey,
  writeRecipe,
} from "../recipe/checkout-recipe.js";
import { readCommitsForCheckout } from "../store/read-commits.js";
import type { CheckoutWarning, DirMode, ManifestRecord } from "../types.js";
import { removeTree } from "../write/remove-tree.js";
import { executeTreeWrite, planTreeWrite, type WriteTreeOptions, type WriteTreeResult } from "../write/write-tree.js";
import { areaDefaults } from "./merge-generation.js";

/** What {@link checkoutPackageSet} wrote and computed. */
export interface PackageSetCheckout {
  /** The new tree (absolute). */
  dest: string;
  /** Counters and timings. */
  stats: CheckoutStats;
  /** Decisions taken (see `checkoutCommits`). */
  warnings: CheckoutWarning[];
  /** Metadata not applied on disk. */
  manifest: ManifestRecord[];
  /** Directory modes still to apply, deepest first. */
  dirModes: DirMode[];
  /** The packages' entries under `/etc` and `/var` by path (what the merge and `G.defaults.json` use). */
  defaults: Record<string, Entry>;
  /** Whether a cached recipe of this package set was used (`"hit"`) or computed and stored (`"stored"`). */
  recipe: "hit" | "stored";
}

/**
 * Checks a package set out as a root's tree in the container layout, on two threads, with directory modes
 * left to the caller (as `checkoutCommitsParallel` with `applyDirModes: false`), and keeps what planning
 * computed as a recipe in `cache/checkouts/`: the next root of the same package set skips reading the
 * commits, merging and laying out, and each thread reads the parts it takes straight from the recipe.
 * A recipe that fails to serve (damaged, or its write fails for any reason but `CHECKOUT_DEST_EXISTS`) is
 * dropped, the partial tree removed, and the checkout done again from the commits, which then decides.
 * @param store - the store
 * @param packages - commits and labels, in install order
 * @param dest - the directory to create (must not exist)
 * @param options - copy every file instead of linking
 */
export async function checkoutPackageSet(
  store: Store,
  packages: readonly RecipePackage[],
  dest: string,
  options: { copyAll?: boolean } = {},
): Promise<PackageSetCheckout> {
  const started = performance.now();
  const copyAll = options.copyAll ?? false;
  const key = recipeKey(packages, copyAll);
  const root = path.resolve(dest);
  const writeOptions: WriteTreeOptions = { storeDir: store.dir, dest: root, copyAll, applyDirModes: false };
  const recipe = readRecipe(store.dir, key);
  if (recipe !== undefined) {
    try {
      return fromRecipe(root, recipe, await writeFromRecipe(recipe, writeOptions), started);
    } catch (err) {
      if (isGroveError(err) && err.code === "CHECKOUT_DEST_EXISTS") throw err;
      removeTree(root);
      dropRecipe(recipe.file);
    }
  }
  return checkoutAndStore(store, packages, key, writeOptions, started);
}

function writeFromRecipe(recipe: LoadedRecipe, options: WriteTreeOptions): Promise<WriteTreeResult> {
  const { head, file } = recipe;
  const parts = Array.from({ length: head.parts }, (_, i) => () => recipe.part(i));
  return executeTreeWrite({ dirs: head.dirs, spine: head.spine, parts }, options, (ctx, owners) => ({
    ctx,
    owners,
    partsAt: { file, firstLine: 1 },
  }));
}

function fromRecipe(root: string, recipe: LoadedRecipe, written: WriteTreeResult, started: number): PackageSetCheckout {
  const { head } = recipe;
  return {
    dest: root,
    stats: stats(written, head.counters, started, started),
    warnings: [...head.warnings, ...written.warnings],
    manifest: head.manifest,
    dirModes: written.dirModes,
    defaults: head.defaults,
    recipe: "hit",
  };
}

async function checkoutAndStore(
  store: Store,
  packages: readonly RecipePackage[],
  key: string,
  writeOptions: WriteTreeOptions,
  started: number,
): Promise<PackageSetCheckout> {
  const commits = readCommitsForCheckout(
    store,
    packages.map((p) => p.commitId),
  ).map((commit, i) => ({ id: packages[i]!.commitId, commit, label: packages[i]!.label }));
  const planned: PlannedCheckout = planCheckout(store, commits, writeOptions.dest, {
    copyAll: writeOptions.copyAll ?? false,
    applyDirModes: false,
  });
  const plan = planTreeWrite(planned.layout, { copyAll: writeOptions.copyAll ?? false, parallel: true });
  const counters = planCounters(planned.plan);
  const defaults = areaDefaults(planned.plan.entries);
  // The recipe is stored first, so that the writer thread reads the parts it takes from it instead of the main
  // thread cloning them all into a message; when it cannot be (not writable, or the manifest needs the written
  // tree), the parts are sent, and the recipe stored after the write.
  const early = manifestFromPlan(planned, store.dir);
  const head = (manifest: ManifestRecord[]) => ({
    commits: packages.map((p) => p.commitId),
    counters,
    warnings: planned.plan.warnings,
    manifest,
    defaults,
    dirs: plan.dirs,
    spine: plan.spine,
    parts: plan.parts.length,
  });
  const stored = early === undefined ? undefined : writeRecipe(store.dir, key, head(early), plan.parts);
  let written: WriteTreeResult;
  try {
    written = await executeTreeWrite(plan, writeOptions, (ctx, owners) =>
      stored === undefined
        ? { ctx, owners, parts: plan.parts }
        : { ctx, owners, partsAt: { file: stored, firstLine: 1 } },
    );
  } catch (err) {
    // A set whose checkout fails keeps no recipe: the next attempt plans again from the commits.
    if (stored !== undefined) dropRecipe(stored);
    throw cleanUp(planned.root, err);
  }
  const manifest = early ?? manifestOf(planned);
  if (stored === undefined) writeRecipe(store.dir, key, head(manifest), plan.parts);
  return {
    dest: planned.root,
    stats: stats(written, counters, started, planned.planned),
    warnings: [...planned.plan.warnings, ...written.warnings],
    manifest,
    dirModes: written.dirModes,
    defaults,
    recipe: "stored",
  };
}

function stats(written: WriteTreeResult, counters: RecipeCounters, started: number, planned: number): CheckoutStats {
  const now = performance.now();
  return {
    ...written.stats,
    ...counters,
    planMs: planned - started,
    writeMs: now - planned,
    elapsedMs: now - started,
  };
}
