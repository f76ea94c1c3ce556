/**
 * `@grove/core`: the content-addressed object store, commits, refs, locking, fsck, gc
 * and the generic importer API. It knows nothing of RPM: any importer can feed it.
 *
 * @packageDocumentation
 */
export { GroveError, type GroveErrorOptions, isGroveError } from "./errors.js";
