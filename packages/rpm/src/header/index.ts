/**
 * The RPM header layer: lead, signature header and main header parsing, tag constants and the typed package.
 * @packageDocumentation
 */

export { decodeHeaderString } from "./decode-string.js";
export { type DependencyTags, readDependencies, readDependencyTags } from "./dependencies.js";
export { digestAlgorithmFromPgp, HEX_DIGEST_LENGTH } from "./digest-algorithms.js";
export { readFileDigestAlgorithm, readFilePaths, readFiles } from "./files.js";
export { Header, type HeaderEntry, type HeaderInit, type HeaderKind, type HeaderRegion } from "./header.js";
export {
  headerDigestInput,
  isV6,
  type PayloadDigest,
  readLegacyMd5,
  readPayloadDigest,
  readPayloadSize,
  verifyHeaderDigests,
} from "./header-digests.js";
export { LEAD_MAGIC, LEAD_SIZE, parseLead } from "./lead.js";
export {
  MAX_ARRAY_COUNT,
  MAX_HEADER_BYTES,
  MAX_HEADER_DATA,
  MAX_HEADER_TAGS,
  MAX_PATH_BYTES,
  MAX_SIGNATURE_DATA,
  MAX_SIGNATURE_TAGS,
} from "./limits.js";
export { archSuffix, buildRpmPackage, isSourceHeader } from "./package-info.js";
export {
  HEADER_MAGIC,
  type HeaderIntro,
  type ParseHeaderOptions,
  parseHeaderBlob,
  parseHeaderIntro,
} from "./parse-header-blob.js";
export { type PackageHeaders, type ReadPackageHeadersOptions, readPackageHeaders } from "./read-package-headers.js";
export { DEFAULT_INTERPRETER, readScriptlets } from "./scriptlets.js";
export { declaredTagType, isStringType, SigTag, Tag, TagType, type TagTypeValue, tagName } from "./tags.js";
export { DEFAULT_FILE_TRIGGER_PRIORITY, readFileTriggers, readTriggers } from "./triggers.js";
