/**
 * `@grove/core`: the content-addressed object store, commits, refs, locking, fsck, gc
 * and the generic importer API. It knows nothing of RPM: any importer can feed it.
 *
 * @packageDocumentation
 */
export { GroveError, type GroveErrorOptions, isGroveError } from "./errors.js";
export { importEntries } from "./import/import-entries.js";
export type { ImportEntry, ImportOptions, ImportResult, ImportStats } from "./import/import-entry.js";
export { type ImportTreeOptions, importTree, type TreeOwnership } from "./import/import-tree.js";
export { acquireLockFile, type HeldLockFile } from "./lock/lock-file.js";
export type { ReleaseLock, StoreLock } from "./lock/store-lock.js";
export { type FsckOptions, type FsckProgress, type FsckResult, fsck } from "./maintenance/fsck.js";
export { type GcOptions, type GcResult, gc } from "./maintenance/gc.js";
export type { FsckProblem, FsckProblemKind } from "./maintenance/problems.js";
export { compareUtf8, encodeCanonicalJson, type JsonValue } from "./store/canonical-json.js";
export { type Commit, ENTRY_TYPES, type Entry, type EntryType } from "./store/commit.js";
export { canonicalizeCommit, decodeCommit, type EncodedCommit, encodeCommit } from "./store/commit-codec.js";
export {
  COMMIT_PLAIN_MAX,
  canonicalCommitBytes,
  isCompressedCommit,
  storedCommitBytes,
} from "./store/commit-file.js";
export { normalizeEntryPath } from "./store/entry-path.js";
export { formatPerm, isSha256Hex, objectId, type ParsedObjectId, parseObjectId } from "./store/ids.js";
export type { ObjectContent, WriteObjectOptions, WriteObjectResult } from "./store/object-writer.js";
export { assertRefName, isValidRefName } from "./store/ref-name.js";
export {
  initStore,
  type OpenStoreOptions,
  openStore,
  type RefEntry,
  type RefUpdateOptions,
  Store,
} from "./store/store.js";
export { validateCommit } from "./store/validate-commit.js";
