import { unzstdOnWorker } from "./zstd-worker.js";

/**
 * Payloads expected to decompress to at least this many bytes are decoded on a worker thread, where decoding
 * overlaps with hashing; smaller ones on the main thread, where no worker start-up is paid.
 */
export const ZSTD_WORKER_THRESHOLD = 16 << 20;

/** Output buffer per `ZSTD_decompressStream` call; 1 MiB keeps the per-chunk cost of the layers above low. */
const ZSTD_OUTPUT_CHUNK = 1 << 20;

/** The part of zstd-napi's low-level binding grove uses. */
interface ZstdDecompressionContext {
  decompressStream(dst: Uint8Array, src: Uint8Array): [remainingHint: number, produced: number, consumed: number];
}
interface ZstdBinding {
  DCtx: new () => ZstdDecompressionContext;
}

let zstdBinding: Promise<ZstdBinding> | undefined;

/** Loads zstd-napi's native binding lazily, so that packages never needing it do not pay for it. */
function loadZstd(): Promise<ZstdBinding> {
  zstdBinding ??= import("zstd-napi/binding.js").then((m) => (m.default ?? m) as unknown as ZstdBinding);
  return zstdBinding;
}

/** Thrown when the input ends inside a zstd frame; mapped to `RPM_TRUNCATED` by the caller. */
export class ZstdTruncatedError extends Error {
  constructor() {
    super("zstd stream ended in the middle of a frame");
    this.name = "ZstdTruncatedError";
  }
}

/**
 * Decompresses a zstd stream (one or more frames, skippable frames allowed) with zstd-napi's binding to
 * libzstd, driving `ZSTD_decompressStream` directly: no Node stream machinery in between. The window is
 * limited to libzstd's default of 128 MiB (`windowLogMax` 27), as in rpm itself.
 * @param expectedSize - the decompressed size the header announces; large payloads are decoded on a worker
 */
export function unzstd(input: AsyncIterable<Uint8Array>, expectedSize = 0): AsyncGenerator<Uint8Array> {
  return expectedSize >= ZSTD_WORKER_THRESHOLD ? unzstdOnWorker(input) : unzstdOnMainThread(input, expectedSize);
}

/** Smallest output buffer (when the header announces a small payload). */
const ZSTD_MIN_OUTPUT_CHUNK = 64 << 10;

async function* unzstdOnMainThread(input: AsyncIterable<Uint8Array>, expectedSize: number): AsyncGenerator<Uint8Array> {
  const { DCtx } = await loadZstd();
  const context = new DCtx();
  let inFrame = false;
  let left = expectedSize > 0 ? expectedSize : ZSTD_OUTPUT_CHUNK;
  for await (const chunk of input) {
    let src = chunk;
    for (;;) {
      // Sized to what the header says is left: a small payload does not allocate (and collect) 1 MiB per call.
      // The size only tunes buffers; a payload larger than announced just takes more calls.
      const size = Math.min(ZSTD_OUTPUT_CHUNK, Math.max(ZSTD_MIN_OUTPUT_CHUNK, left));
      const dst = Buffer.allocUnsafe(size);
      const [remaining, produced, consumed] = context.decompressStream(dst, src);
      src = src.subarray(consumed);
      left -= produced;
      if (produced > 0) yield dst.subarray(0, produced);
      inFrame = remaining !== 0;
      if (src.length === 0 && (produced < dst.length || remaining === 0)) break;
    }
  }
  if (inFrame) throw new ZstdTruncatedError();
}
