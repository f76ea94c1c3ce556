/**
 * Hard limits on header sizes, the same values rpm enforces (`lib/header.cc`: hdrchkTags, hdrchkData,
 * hdrchkArray, headerMaxbytes, hdrblobVerifyLengths), so a hostile file can never make grove allocate more.
 * @packageDocumentation
 */

/** Maximum number of index entries in a main header (rpm's HEADER_TAGS_MAX). */
export const MAX_HEADER_TAGS = 0xffff;

/** Maximum size of a main header's data area in bytes (rpm's HEADER_DATA_MAX, 256 MiB - 1). */
export const MAX_HEADER_DATA = 0x0fffffff;

/** Maximum number of index entries in a signature header (rpm's hdrblobVerifyLengths). */
export const MAX_SIGNATURE_TAGS = 32;

/** Maximum size of a signature header's data area in bytes (64 MiB, rpm's hdrblobVerifyLengths). */
export const MAX_SIGNATURE_DATA = 64 * 1024 * 1024;

/** A whole header blob (8 + 16 * il + dl bytes) must stay below this (rpm's headerMaxbytes, 256 MiB). */
export const MAX_HEADER_BYTES = 256 * 1024 * 1024;

/** Maximum element count of a non-BIN entry (rpm's HEADER_ARRAY_MAX: caps the number of files). */
export const MAX_ARRAY_COUNT = 0x000fffff;

/** Longest file path accepted, in bytes (Linux PATH_MAX is 4096 including the terminating NUL). */
export const MAX_PATH_BYTES = 4095;
