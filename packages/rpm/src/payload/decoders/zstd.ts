import type { Worker } from "node:worker_threads";
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
  reset(directive: number): void;
}

/** `ZSTD_reset_session_only`: forget the frame under way, keep the buffers. */
const RESET_SESSION_ONLY = 0;

/** Contexts kept idle at most (each holds its window buffers, up to 8 MiB). */
const MAX_IDLE_CONTEXTS = 1;

/**
 * Decompression contexts of finished payloads, reused: a context allocates its window buffers (up to 8 MiB
 * for rpm's level-19 payloads) on first use, and a new context per payload would leave each package's
 * buffers to the garbage collector, which runs late (the JS heap stays small) and leaves the freed memory
 * fragmented.
 */
const idleContexts: ZstdDecompressionContext[] = [];
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
 * @param worker - for a large payload, a payload worker to share (the one hashing its compressed stream)
 */
export function unzstd(
  input: AsyncIterable<Uint8Array>,
  expectedSize = 0,
  worker?: Worker,
): AsyncGenerator<Uint8Array> {
  return expectedSize >= ZSTD_WORKER_THRESHOLD
    ? unzstdOnWorker(input, worker)
    : unzstdOnMainThread(input, expectedSize);
}

/** Smallest output buffer (when the header announces a small payload). */
const ZSTD_MIN_OUTPUT_CHUNK = 64 << 10;

/** A new output buffer is started when the current one has less room than this. */
const ZSTD_MIN_FREE = 16 << 10;

async function* unzstdOnMainThread(input: AsyncIterable<Uint8Array>, expectedSize: number): AsyncGenerator<Uint8Array> {
  const { DCtx } = await loadZstd();
  const context = idleContexts.pop() ?? new DCtx();
  let clean = false;
  try {
    yield* decodeWith(context, input, expectedSize);
    clean = true;
  } finally {
    if (clean && idleContexts.length < MAX_IDLE_CONTEXTS) {
      context.reset(RESET_SESSION_ONLY);
      idleContexts.push(context);
    }
  }
}

async function* decodeWith(
  context: ZstdDecompressionContext,
  input: AsyncIterable<Uint8Array>,
  expectedSize: number,
): AsyncGenerator<Uint8Array> {
  let inFrame = false;
  let left = expectedSize > 0 ? expectedSize : ZSTD_OUTPUT_CHUNK;
  // Output goes into the free end of the current buffer until that is nearly full: a small input chunk (as
  // network reads deliver them) then does not pin a mostly empty 1 MiB buffer per call.
  let buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of input) {
    let src = chunk;
    for (;;) {
      if (buffer.length - offset < ZSTD_MIN_FREE) {
        // Sized to what the header says is left: a small payload does not allocate (and collect) 1 MiB per call.
        // The size only tunes buffers; a payload larger than announced just takes more calls.
        buffer = Buffer.allocUnsafe(Math.min(ZSTD_OUTPUT_CHUNK, Math.max(ZSTD_MIN_OUTPUT_CHUNK, left)));
        offset = 0;
      }
      const dst = buffer.subarray(offset);
      const [remaining, produced, consumed] = context.decompressStream(dst, src);
      src = src.subarray(consumed);
      left -= produced;
      if (produced > 0) yield dst.subarray(0, produced);
      offset += produced;
      inFrame = remaining !== 0;
      if (src.length === 0 && (produced < dst.length || remaining === 0)) break;
    }
  }
  if (inFrame) throw new ZstdTruncatedError();
}
