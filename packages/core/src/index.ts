/**
 * `@grove/core`: the content-addressed object store, commits, refs, locking, fsck, gc
 * and the generic importer API. It knows nothing of RPM: any importer can feed it.
 *
 * @packageDocumentation
 */
export { importEntries } from "./import/import-entries.js";
export type { ImportEntry, ImportOptions, ImportResult, ImportStats } from "./import/import-entry.js";
export { type ImportTreeOptions, importTree, type TreeOwnership } from "./import/import-tree.js";
export { type FsckOptions, type FsckProgress, type FsckResult, fsck } from "./maintenance/fsck.js";
export { type GcOptions, type GcResult, gc } from "./maintenance/gc.js";
export type { FsckProblem, FsckProblemKind } from "./maintenance/problems.js";
// Errors, locks, the store, commits, ids and refs: also the narrow entry `@grove/core/store`.
export * from "./store-api.js";
