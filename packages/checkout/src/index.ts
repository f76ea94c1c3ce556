/**
 * `@grove/checkout`: turns package commits from the store into root file systems: hard-link
 * checkouts with rpm's conflict rules, a container-shaped `/usr/etc` + writable `/etc` and `/var`,
 * generations swapped atomically, three-way `/etc` merges on upgrade, and the rpmdb a root carries.
 *
 * @packageDocumentation
 */
export * from "./assemble/index.js";
export {
  type CheckoutOptions,
  type CheckoutResult,
  type CheckoutStats,
  checkoutCommits,
  checkoutCommitsParallel,
} from "./checkout-commits.js";
export {
  type AssembleOptions,
  type AssemblePhase,
  type AssembleResult,
  assembleRoot,
} from "./generations/assemble-root.js";
export {
  type GenerationPackage,
  type GenerationState,
  type GenerationStats,
  type RepoSnapshot,
  readGenerationStateFile,
} from "./generations/generation-state.js";
export { assertRootName, generationDir, type RootLayout, rootLayout, stateFile } from "./generations/grove-layout.js";
export {
  type GenerationInfo,
  getRoot,
  listRoots,
  type PruneResult,
  pruneGenerations,
  type RemoveRootResult,
  type RollbackResult,
  type RootInfo,
  removeRoot,
  rollbackRoot,
} from "./generations/manage-roots.js";
export type { GenerationMerge } from "./generations/merge-generation.js";
export { type AreaMergeInput, type AreaMergeReport, mergeArea } from "./mutable/merge-area.js";
export { CONTAINER_LAYOUT, type LayoutRules, PLAIN_LAYOUT, type Relocation } from "./plan/layout.js";
export {
  installRootRpmdb,
  type RootRpmdbOrigin,
  type RootRpmdbResult,
  type RpmdbInputPackage,
  rootRpmdbRecord,
} from "./root-rpmdb.js";
export * from "./rpmdb/index.js";
export { readCommitsForCheckout } from "./store/read-commits.js";
export type {
  CheckoutCommit,
  CheckoutWarning,
  CheckoutWarningKind,
  DirMode,
  ManifestRecord,
  PlannedEntry,
} from "./types.js";
export { applyDirModes } from "./write/dir-modes.js";
export { removeTree } from "./write/remove-tree.js";
export { prestartTreeWriter, releaseTreeWriter, startTreeWriterThread } from "./write/tree-writer-thread.js";
