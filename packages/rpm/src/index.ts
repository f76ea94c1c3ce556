/**
 * `@grove/rpm`: reads RPM packages (lead, headers, payload, cpio) exactly as rpm does, implements rpm's
 * version rules, and feeds packages into a grove store.
 *
 * @packageDocumentation
 */

export * from "./header/index.js";
export * from "./import/index.js";
export { ByteReader, type ByteSource } from "./io/byte-reader.js";
export { decompressPayload, type PayloadCompressor, releaseIdlePayloadWorkers } from "./payload/index.js";
export {
  type OpenRpmOptions,
  openRpm,
  type PayloadEntry,
  type PayloadStats,
  type ReadRpmResult,
  type RpmReader,
  readRpmFile,
} from "./read-rpm.js";
export * from "./types.js";
export * from "./version/index.js";
