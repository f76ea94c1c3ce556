/**
 * The payload worker: one `eval` worker program that serves two kinds of jobs, told apart by each message's
 * `job` field, and one pool of such workers. A large zstd payload runs both of its jobs on one thread, the
 * compressed stream's digests (`digest-worker.ts`) and its decoding (`decoders/zstd-worker.ts`), instead of on
 * two: each idle worker holds about 10 MB (measured: 42 MB with no worker, 54 with one, 63 with two), which is
 * the size of the margin a cold assemble's peak had over its goal.
 * @packageDocumentation
 */
import { evalWorkerProgram, WorkerPool } from "./worker-pool.js";

/** Messages to the worker. */
export type PayloadWorkerRequest =
  | { job: "digest"; type: "start"; specs: { algorithm: string; prefix?: Uint8Array }[] }
  | { job: "digest"; type: "data"; chunk: Uint8Array }
  | { job: "digest"; type: "end" }
  | { job: "zstd"; type: "start"; bindingPath: string }
  | { job: "zstd"; type: "data"; chunk: Uint8Array }
  | { job: "zstd"; type: "end" };

/** Messages from the worker. */
export type PayloadWorkerReply =
  | { job: "digest"; type: "hashed"; bytes: number }
  | { job: "digest"; type: "digests"; hex: string[] }
  | { job: "digest"; type: "error"; message: string }
  | { job: "zstd"; type: "out"; chunks: Uint8Array[] }
  | { job: "zstd"; type: "done" }
  | { job: "zstd"; type: "error"; message: string; name: string };

/**
 * The worker's program (an `eval` worker: self-contained, it may use only `require` and its own body). A digest job
 * hashes every chunk with each algorithm asked for; a zstd job decodes with zstd-napi's binding (loaded on the first
 * zstd job, from the path in its `start`), one context for the worker's life, reset per job. After each job's end
 * a full collection frees its chunks.
 */
function payloadWorkerMain(collect: () => void): void {
  const { parentPort } = require("node:worker_threads") as typeof import("node:worker_threads");
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  type Hash = ReturnType<typeof createHash>;
  type Context = {
    decompressStream(dst: Uint8Array, src: Uint8Array): [number, number, number];
    reset(directive: number): void;
  };
  // Types are erased: naming the module's own request type keeps the program self-contained at run time.
  type Request = PayloadWorkerRequest;
  const port = parentPort as NonNullable<typeof parentPort>;
  let hashes: Hash[] = [];
  let context: Context | undefined;
  let inFrame = false;

  const digest = (message: Extract<Request, { job: "digest" }>): void => {
    try {
      if (message.type === "start") {
        hashes = message.specs.map((spec) => {
          const hash = createHash(spec.algorithm);
          if (spec.prefix !== undefined) hash.update(spec.prefix);
          return hash;
        });
      } else if (message.type === "end") {
        port.postMessage({ job: "digest", type: "digests", hex: hashes.map((hash) => hash.digest("hex")) });
        hashes = [];
        setImmediate(collect);
      } else {
        for (const hash of hashes) hash.update(message.chunk);
        port.postMessage({ job: "digest", type: "hashed", bytes: message.chunk.length });
      }
    } catch (err) {
      port.postMessage({ job: "digest", type: "error", message: String((err as Error)?.message ?? err) });
    }
  };

  const zstd = (message: Extract<Request, { job: "zstd" }>): void => {
    try {
      if (message.type === "start") {
        if (context === undefined) {
          const binding = require(message.bindingPath) as { DCtx: new () => Context };
          context = new binding.DCtx();
        }
        context.reset(0); // ZSTD_reset_session_only
        inFrame = false;
        return;
      }
      if (message.type === "end") {
        if (inFrame) {
          port.postMessage({
            job: "zstd",
            type: "error",
            message: "zstd stream ended in the middle of a frame",
            name: "ZstdTruncatedError",
          });
        } else {
          port.postMessage({ job: "zstd", type: "done" });
          setImmediate(collect);
        }
        return;
      }
      const ctx = context as Context;
      let src = message.chunk;
      const chunks: Uint8Array[] = [];
      for (;;) {
        // allocUnsafeSlow: every chunk owns its ArrayBuffer, so it can be transferred without detaching a pool.
        const dst = Buffer.allocUnsafeSlow(1 << 20);
        const [remaining, produced, consumed] = ctx.decompressStream(dst, src);
        src = src.subarray(consumed);
        if (produced > 0) chunks.push(dst.subarray(0, produced));
        inFrame = remaining !== 0;
        if (src.length === 0 && (produced < dst.length || remaining === 0)) break;
      }
      port.postMessage(
        { job: "zstd", type: "out", chunks },
        chunks.map((chunk) => chunk.buffer as ArrayBuffer),
      );
    } catch (err) {
      const error = err as Error;
      port.postMessage({
        job: "zstd",
        type: "error",
        message: String(error?.message ?? err),
        name: String(error?.name ?? "Error"),
      });
    }
  };

  port.on("message", (message: Request) => {
    if (message.job === "digest") digest(message);
    else zstd(message);
  });
}

/** The payload workers, reused from payload to payload (see {@link WorkerPool}). */
export const payloadWorkers = new WorkerPool(evalWorkerProgram(payloadWorkerMain));
