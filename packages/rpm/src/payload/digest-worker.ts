import type { Worker } from "node:worker_threads";
import type { DigestAlgorithm } from "../types.js";
import { postableChunk } from "./worker-chunk.js";
import { evalWorkerProgram, WorkerPool } from "./worker-pool.js";

/** Bytes handed to the worker and not yet hashed, at most, before {@link OffThreadDigests.update} waits. */
const MAX_BYTES_IN_FLIGHT = 2 << 20;

/** One digest the worker computes: algorithm and bytes hashed before the stream (e.g. the header for SIGMD5). */
export interface OffThreadDigestSpec {
  algorithm: DigestAlgorithm;
  prefix?: Uint8Array;
}

type WorkerMessage =
  | { type: "hashed"; bytes: number }
  | { type: "digests"; hex: string[] }
  | { type: "error"; message: string };

/** The worker's program (an `eval` worker: self-contained, see zstd-worker.ts); one job per `start` ... `end`. */
function digestWorkerMain(collect: () => void): void {
  const { parentPort } = require("node:worker_threads") as typeof import("node:worker_threads");
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  type Hash = ReturnType<typeof createHash>;
  type Spec = { algorithm: string; prefix?: Uint8Array };
  const port = parentPort as NonNullable<typeof parentPort>;
  let hashes: Hash[] = [];
  port.on(
    "message",
    (message: { type: "start"; specs: Spec[] } | { type: "data"; chunk: Uint8Array } | { type: "end" }) => {
      try {
        if (message.type === "start") {
          hashes = message.specs.map((spec) => {
            const hash = createHash(spec.algorithm);
            if (spec.prefix !== undefined) hash.update(spec.prefix);
            return hash;
          });
        } else if (message.type === "end") {
          port.postMessage({ type: "digests", hex: hashes.map((hash) => hash.digest("hex")) });
          hashes = [];
          setImmediate(collect);
        } else {
          for (const hash of hashes) hash.update(message.chunk);
          port.postMessage({ type: "hashed", bytes: message.chunk.length });
        }
      } catch (err) {
        port.postMessage({ type: "error", message: String((err as Error)?.message ?? err) });
      }
    },
  );
}

/** The digest workers, reused from payload to payload. */
const digestWorkers = new WorkerPool(evalWorkerProgram(digestWorkerMain));

/**
 * Several digests of one byte stream, computed on a worker thread so that the hashing overlaps with the main
 * thread's work. Chunks are shared with the worker, or copied (see {@link postableChunk}). The worker (from a pool: see
 * {@link WorkerPool}) keeps the process alive only while {@link OffThreadDigests.update} or
 * {@link OffThreadDigests.digests} wait for it.
 */
export class OffThreadDigests {
  private readonly worker: Worker;
  private inFlight = 0;
  private failure: Error | undefined;
  private result: string[] | undefined;
  private wake: (() => void) | undefined;
  private released = false;

  /** @param specs - the digests to compute, in the order {@link OffThreadDigests.digests} returns them */
  constructor(specs: OffThreadDigestSpec[]) {
    this.worker = digestWorkers.take();
    this.worker.postMessage({ type: "start", specs });
    this.worker.on("message", (message: WorkerMessage) => {
      if (message.type === "hashed") this.inFlight -= message.bytes;
      else if (message.type === "digests") this.result = message.hex;
      else this.failure = new Error(message.message);
      this.notify();
    });
    this.worker.on("error", (err) => {
      this.failure ??= err;
      this.notify();
    });
    this.worker.on("exit", (code) => {
      this.failure ??= new Error(`the digest worker exited with code ${code}`);
      this.notify();
    });
  }

  private notify(): void {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  }

  private async waitForWorker(): Promise<void> {
    this.worker.ref();
    try {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    } finally {
      this.worker.unref();
    }
  }

  /** Hands a chunk to the worker (shared, or a copy: see {@link postableChunk}); waits while too much is still unhashed. */
  async update(chunk: Uint8Array): Promise<void> {
    while (this.inFlight > MAX_BYTES_IN_FLIGHT && this.failure === undefined) await this.waitForWorker();
    if (this.failure !== undefined) throw this.failure;
    this.inFlight += chunk.length;
    const message = postableChunk(chunk);
    this.worker.postMessage({ type: "data", chunk: message.chunk }, message.transfer);
  }

  /** The hex digests, once every chunk was hashed; the worker then goes back to the pool. */
  async digests(): Promise<string[]> {
    this.worker.postMessage({ type: "end" });
    let clean = false;
    try {
      while (this.result === undefined && this.failure === undefined) await this.waitForWorker();
      if (this.failure !== undefined) throw this.failure;
      clean = true;
      return this.result as string[];
    } finally {
      this.release(clean);
    }
  }

  /** Lets go of the worker: stopped when its job did not end cleanly (reading stopped early, an error). */
  async close(): Promise<void> {
    this.release(false);
  }

  private release(clean: boolean): void {
    if (this.released) return;
    this.released = true;
    if (clean) digestWorkers.give(this.worker);
    else void this.worker.terminate();
  }
}
