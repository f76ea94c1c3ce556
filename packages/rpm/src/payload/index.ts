/**
 * The RPM payload layer: decompression, cpio parsing, matching members to header files, verification.
 * @packageDocumentation
 */
export { detectCompressor, type PayloadCompressor } from "./compression.js";
export { type Decompressor, decompressPayload } from "./decompress.js";
export { DEFAULT_MAX_COMPRESSION_RATIO, type PayloadLimits, payloadSizeLimit, RATIO_CHECK_FLOOR } from "./limits.js";
export type { PayloadEntry, PayloadStats } from "./payload-entry.js";
export { type PayloadHeaderFacts, type PayloadReadOptions, readPayloadEntries } from "./payload-reader.js";
export { releaseIdlePayloadWorkers } from "./worker-pool.js";
