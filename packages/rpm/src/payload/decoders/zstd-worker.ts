import { createRequire } from "node:module";
import { postableChunk } from "../worker-chunk.js";
import { evalWorkerProgram, WorkerPool } from "../worker-pool.js";

/** Compressed chunks handed to the worker but not yet decoded, at most. */
const MAX_CHUNKS_IN_FLIGHT = 4;
/** Decoded bytes waiting for the consumer, at most, before the worker gets more input. */
const MAX_QUEUED_OUTPUT = 4 << 20;
/**
 * Largest piece of compressed input handed to the worker at once. The worker decodes a piece whole before
 * replying, so a piece bounds the memory of one reply: file data that compresses 50-100x (zeros, repeated
 * text) turned a 256 KiB network chunk into 10-25 MB of output at once, a spike of the process's peak RSS.
 */
const MAX_INPUT_PIECE = 64 << 10;

/** Messages from the worker. */
type WorkerMessage =
  | { type: "out"; chunks: Uint8Array[] }
  | { type: "done" }
  | { type: "error"; message: string; name: string };

/**
 * The worker's program. It runs as an `eval` worker (so it works the same from `src` under a test runner and
 * from `dist`); it must not reference anything outside its body. `workerData.bindingPath` is zstd-napi's binding.
 */
function zstdWorkerMain(collect: () => void): void {
  const { parentPort, workerData } = require("node:worker_threads") as typeof import("node:worker_threads");
  type Context = {
    decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
    reset(directive: number): void;
  };
  const binding = require((workerData as { bindingPath: string }).bindingPath) as { DCtx: new () => Context };
  const port = parentPort as NonNullable<typeof parentPort>;

  // One context for the worker's life, reset per payload: a new one per payload would allocate (and leave
  // for the garbage collector) its window buffers each time.
  const context = new binding.DCtx();
  let inFrame = false;
  port.on("message", (message: { type: "start" } | { type: "data"; chunk: Uint8Array } | { type: "end" }) => {
    try {
      if (message.type === "start") {
        context.reset(0); // ZSTD_reset_session_only
        inFrame = false;
        return;
      }
      if (message.type === "end") {
        if (inFrame) {
          port.postMessage({
            type: "error",
            message: "zstd stream ended in the middle of a frame",
            name: "ZstdTruncatedError",
          });
        } else {
          port.postMessage({ type: "done" });
          setImmediate(collect);
        }
        return;
      }
      let src = message.chunk;
      const chunks: Uint8Array[] = [];
      for (;;) {
        // allocUnsafeSlow: every chunk owns its ArrayBuffer, so it can be transferred without detaching a pool.
        const dst = Buffer.allocUnsafeSlow(1 << 20);
        const [remaining, produced, consumed] = context.decompressStream(dst, src);
        src = src.subarray(consumed);
        if (produced > 0) chunks.push(dst.subarray(0, produced));
        inFrame = remaining !== 0;
        if (src.length === 0 && (produced < dst.length || remaining === 0)) break;
      }
      port.postMessage(
        { type: "out", chunks },
        chunks.map((chunk) => chunk.buffer as ArrayBuffer),
      );
    } catch (err) {
      const error = err as Error;
      port.postMessage({ type: "error", message: String(error?.message ?? err), name: String(error?.name ?? "Error") });
    }
  });
}

const WORKER_SOURCE = evalWorkerProgram(zstdWorkerMain);

/** The zstd workers, reused from payload to payload (created with the binding's path on first use). */
let zstdWorkers: WorkerPool | undefined;

/**
 * Decompresses a zstd stream on a worker thread with zstd-napi, so that decoding overlaps with the parsing
 * and hashing done on the main thread. Output chunks are transferred, not copied. Worth it for large payloads
 * only: starting the worker costs a few milliseconds.
 */
export async function* unzstdOnWorker(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  zstdWorkers ??= new WorkerPool(WORKER_SOURCE, {
    bindingPath: createRequire(import.meta.url).resolve("zstd-napi/binding.js"),
  });
  const pool = zstdWorkers;
  const worker = pool.take();
  worker.postMessage({ type: "start" });
  const ready: Uint8Array[] = [];
  let queuedBytes = 0;
  let inFlight = 0;
  let finished = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  worker.on("message", (message: WorkerMessage) => {
    if (message.type === "out") {
      inFlight--;
      for (const chunk of message.chunks) {
        ready.push(chunk);
        queuedBytes += chunk.length;
      }
    } else if (message.type === "done") {
      finished = true;
    } else {
      failure = Object.assign(new Error(message.message), { name: message.name });
    }
    notify();
  });
  worker.on("error", (err) => {
    failure ??= err;
    notify();
  });
  worker.on("exit", (code) => {
    if (!finished) failure ??= new Error(`zstd worker exited with code ${code}`);
    notify();
  });

  const source = input[Symbol.asyncIterator]();
  let inputDone = false;
  let pending: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      while (
        !inputDone &&
        failure === undefined &&
        inFlight < MAX_CHUNKS_IN_FLIGHT &&
        queuedBytes < MAX_QUEUED_OUTPUT
      ) {
        if (pending.length === 0) {
          const next = await source.next();
          if (next.done) {
            inputDone = true;
            worker.postMessage({ type: "end" });
            continue;
          }
          pending = next.value;
          if (pending.length === 0) continue;
        }
        const piece = pending.subarray(0, MAX_INPUT_PIECE);
        pending = pending.subarray(piece.length);
        inFlight++;
        const message = postableChunk(piece);
        worker.postMessage({ type: "data", chunk: message.chunk }, message.transfer);
      }
      const chunk = ready.shift();
      if (chunk !== undefined) {
        queuedBytes -= chunk.length;
        yield chunk;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (finished) return;
      // Referenced only while waiting: an abandoned decoder must not keep the process alive.
      worker.ref();
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      worker.unref();
    }
  } finally {
    // Reusable when the stream ended with the worker's own "done"; anything else (an error, a consumer
    // that stopped early with chunks in flight) ends the worker.
    if (finished && failure === undefined) {
      pool.give(worker);
    } else {
      worker.removeAllListeners("exit");
      await worker.terminate();
    }
    if (!inputDone) await source.return?.();
  }
}
