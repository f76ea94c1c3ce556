import { createRequire } from "node:module";
import type { Worker } from "node:worker_threads";
import { type PayloadWorkerReply, type PayloadWorkerRequest, payloadWorkers } from "../payload-worker.js";
import { postableChunk } from "../worker-chunk.js";

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

/** zstd-napi's binding, which the worker loads itself. */
let bindingPath: string | undefined;

/**
 * Decompresses a zstd stream on a payload worker (`payload-worker.ts`) with zstd-napi, so that decoding overlaps
 * with the parsing and hashing done on the main thread. Output chunks are transferred, not copied. Worth it for
 * large payloads only: starting a worker costs a few milliseconds.
 * @param input - the compressed stream
 * @param shared - a worker to decode on that another job of this payload holds (its digests): used, then left
 *   to that job; without it a worker is taken from the pool and given back (or stopped after a failure)
 */
export async function* unzstdOnWorker(input: AsyncIterable<Uint8Array>, shared?: Worker): AsyncGenerator<Uint8Array> {
  bindingPath ??= createRequire(import.meta.url).resolve("zstd-napi/binding.js");
  const worker = shared ?? payloadWorkers.take();
  const post = (message: PayloadWorkerRequest, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  post({ job: "zstd", type: "start", bindingPath });
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
  const onMessage = (message: PayloadWorkerReply) => {
    if (message.job !== "zstd") return;
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
  };
  const onError = (err: Error) => {
    failure ??= err;
    notify();
  };
  const onExit = (code: number) => {
    if (!finished) failure ??= new Error(`zstd worker exited with code ${code}`);
    notify();
  };
  worker.on("message", onMessage);
  worker.on("error", onError);
  worker.on("exit", onExit);

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
            post({ job: "zstd", type: "end" });
            continue;
          }
          pending = next.value;
          if (pending.length === 0) continue;
        }
        const piece = pending.subarray(0, MAX_INPUT_PIECE);
        pending = pending.subarray(piece.length);
        inFlight++;
        const message = postableChunk(piece);
        post({ job: "zstd", type: "data", chunk: message.chunk }, message.transfer);
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
    // that stopped early with chunks in flight) ends the worker, shared or not (the other job then fails).
    worker.off("message", onMessage);
    worker.off("error", onError);
    worker.off("exit", onExit);
    if (finished && failure === undefined) {
      if (shared === undefined) payloadWorkers.give(worker);
    } else {
      await worker.terminate();
    }
    if (!inputDone) await source.return?.();
  }
}
