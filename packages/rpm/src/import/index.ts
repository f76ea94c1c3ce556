/**
 * The RPM importer: packages into a grove store on top of `@grove/core`'s `importEntries`.
 * @packageDocumentation
 */
export {
  capabilityXattr,
  encodeVfsCapV2,
  type FileCapabilitySets,
  parseCapabilityText,
} from "./file-capabilities.js";
export { headerFromObject, headerObjectContent } from "./header-object.js";
export {
  type ImportRpmOptions,
  type ImportRpmResult,
  importRpm,
  type RpmCommitMetadata,
  rpmRefName,
} from "./import-rpm.js";
export {
  DEFAULT_IMPORT_CONCURRENCY,
  type ImportRpmFileItem,
  type ImportRpmFilesOptions,
  type ImportRpmFilesOutcome,
  importRpmFiles,
} from "./import-rpm-files.js";
export { UNRESOLVED_ID } from "./rpm-entries.js";
