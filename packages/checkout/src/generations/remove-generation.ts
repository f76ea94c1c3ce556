import { existsSync, renameSync, rmSync } from "node:fs";
import type { Store } from "@grove/core";
import { removeTree } from "../write/remove-tree.js";
import {
  defaultsFile,
  deletingDir,
  generationDir,
  generationRef,
  manifestFile,
  type RootLayout,
  stateFile,
} from "./grove-layout.js";
import { type RootScan, scanRoot } from "./scan-root.js";

/**
 * Removes generation G of a root, in an order that a kill at any point leaves consistent: the tree is
 * first renamed out of the way (`roots/.NAME.G.del`, so it vanishes at once), then the ref and the
 * records go, then the tree is deleted (read-only directories included). The caller holds the root
 * lock and makes sure G is not current.
 * @param store - the store (for the ref)
 * @param layout - the root
 * @param generation - the generation to remove
 */
export async function removeGeneration(store: Store, layout: RootLayout, generation: number): Promise<void> {
  const tree = generationDir(layout, generation);
  const doomed = deletingDir(layout, generation);
  if (existsSync(tree)) renameSync(tree, doomed);
  await store.deleteRef(generationRef(layout.name, generation));
  rmSync(manifestFile(layout, generation), { force: true });
  rmSync(defaultsFile(layout, generation), { force: true });
  rmSync(stateFile(layout, generation), { force: true });
  removeTree(doomed);
}

/**
 * Clears what interrupted runs left of a root (caller holds the root lock): temporary trees and
 * symlinks (`roots/.NAME.*`), and records of generations whose tree never got its final name (a
 * build killed between writing its record and renaming its tree). Returns a fresh scan.
 * @param store - the store (for refs)
 * @param layout - the root
 * @param scan - what is on disk now
 */
export async function cleanLeftovers(store: Store, layout: RootLayout, scan: RootScan): Promise<RootScan> {
  for (const leftover of scan.leftovers) removeTree(leftover);
  for (const g of scan.records) {
    if (!scan.trees.has(g) && g !== scan.current) await removeGeneration(store, layout, g);
  }
  const fresh = scanRoot(layout);
  // Generation numbers are never reused while anything of a root remains.
  fresh.highest = Math.max(fresh.highest, scan.highest);
  return fresh;
}
