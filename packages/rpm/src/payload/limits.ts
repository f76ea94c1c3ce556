import { GroveError } from "@grove/core";
import type { RpmFile } from "../types.js";
import { isGhost } from "./file-table.js";

/** Limits that stop decompression bombs. */
export interface PayloadLimits {
  /**
   * Largest accepted ratio of decompressed to compressed bytes, checked once more than
   * {@link RATIO_CHECK_FLOOR} bytes came out. Default {@link DEFAULT_MAX_COMPRESSION_RATIO}.
   */
  maxCompressionRatio?: number;
  /** Hard cap on the decompressed payload size, applied on top of the header-derived limit. */
  maxPayloadBytes?: number;
}

/** Default of {@link PayloadLimits.maxCompressionRatio}: real payloads stay far below (binaries ~3, text ~10). */
export const DEFAULT_MAX_COMPRESSION_RATIO = 1000;

/** The ratio limit applies only beyond this many decompressed bytes, so tiny, very compressible payloads pass. */
export const RATIO_CHECK_FLOOR = 64 << 20;

/** newc member overhead besides name and data: the 110-byte header plus at most 3+3 padding bytes. */
const MEMBER_OVERHEAD = 116;
/** The trailer member with its name and padding. */
const TRAILER_BYTES = 124;
/** Extra room on top of the expected archive size, for writers that lay members out differently. */
const SLACK_FIXED = 1 << 20;
const SLACK_DIVISOR = 16;

const encoder = new TextEncoder();

/**
 * The most decompressed bytes a payload may have: the larger of the header's payload size and the cpio
 * archive size its file list implies (every non-%ghost member with `./` name and data, plus the trailer),
 * plus 1/16 and 1 MiB of slack.
 */
export function payloadSizeLimit(files: readonly RpmFile[], payloadSize: number | undefined): number {
  let expected = TRAILER_BYTES;
  for (const file of files) {
    if (isGhost(file)) continue;
    expected += MEMBER_OVERHEAD + encoder.encode(file.path).length + 2 + file.size;
  }
  const base = Math.max(expected, payloadSize ?? 0);
  return base + Math.floor(base / SLACK_DIVISOR) + SLACK_FIXED;
}

/** Counts decompressed bytes and throws `RPM_PAYLOAD_TOO_LARGE` past the size or ratio limit. */
export class DecompressionGuard {
  private produced = 0;
  private readonly maxRatio: number;
  private readonly maxBytes: number;

  /**
   * @param subject - file name for messages
   * @param sizeLimit - from {@link payloadSizeLimit}
   * @param compressedSoFar - how many compressed bytes were read so far
   * @param limits - caller overrides
   */
  constructor(
    private readonly subject: string,
    sizeLimit: number,
    private readonly compressedSoFar: () => number,
    limits: PayloadLimits = {},
  ) {
    this.maxRatio = limits.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
    this.maxBytes = Math.min(sizeLimit, limits.maxPayloadBytes ?? Number.POSITIVE_INFINITY);
  }

  /** Decompressed bytes seen so far. */
  get bytes(): number {
    return this.produced;
  }

  /** Accounts for `length` more decompressed bytes. */
  add(length: number): void {
    this.produced += length;
    if (this.produced > this.maxBytes) {
      throw new GroveError(
        "RPM_PAYLOAD_TOO_LARGE",
        `${this.subject}: the payload decompresses to more than ${this.maxBytes} bytes, more than its header allows`,
        { subject: this.subject, hint: "The package is corrupt or a decompression bomb." },
      );
    }
    if (this.produced > RATIO_CHECK_FLOOR) {
      const compressed = Math.max(1, this.compressedSoFar());
      if (this.produced > compressed * this.maxRatio) {
        throw new GroveError(
          "RPM_PAYLOAD_TOO_LARGE",
          `${this.subject}: the payload decompresses more than ${this.maxRatio}:1 (${this.produced} bytes from ${compressed})`,
          {
            subject: this.subject,
            hint: "The package is a decompression bomb; raise maxCompressionRatio if it is not.",
          },
        );
      }
    }
  }
}
