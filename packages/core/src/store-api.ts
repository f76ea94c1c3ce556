/**
 * `@grove/core/store`: the part of `@grove/core` a reader of the store needs (errors, locks, the
 * store, commits, ids and refs), without the importers and the maintenance code (fsck, gc) that
 * `@grove/core`'s index also loads. Every name here is also exported by `@grove/core`.
 *
 * @packageDocumentation
 */
export { GroveError, type GroveErrorOptions, isGroveError } from "./errors.js";
export { acquireLockFile, type HeldLockFile } from "./lock/lock-file.js";
export type { ReleaseLock, StoreLock } from "./lock/store-lock.js";
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
