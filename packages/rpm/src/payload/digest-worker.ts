import type { Worker } from "node:worker_threads";
import type { DigestAlgorithm } from "../types.js";
import { type PayloadWorkerReply, type PayloadWorkerRequest, payloadWorkers } from "./payload-worker.js";
import { postableChunk } from "./worker-chunk.js";

/** Bytes handed to the worker and not yet hashed, at most, before {@link OffThreadDigests.update} waits. */
const MAX_BYTES_IN_FLIGHT = 2 << 20;

/** One digest the worker computes: algorithm and bytes hashed before the stream (e.g. the header for SIGMD5). */
export interface OffThreadDigestSpec {
  algorithm: DigestAlgorithm;
  prefix?: Uint8Array;
}

/**
 * Several digests of one byte stream, computed on a payload worker (`payload-worker.ts`) so that the hashing
 * overlaps with the main thread's work. Chunks are shared with the worker, or copied (see {@link postableChunk}).
 * The worker (from the pool) keeps the process alive only while {@link OffThreadDigests.update} or
 * {@link OffThreadDigests.digests} wait for it. The payload's decoder may run its own job on the same worker
 * ({@link OffThreadDigests.worker}) while this holds it.
 */
export class OffThreadDigests {
  /** The payload worker doing the hashing, held until {@link OffThreadDigests.digests} or `close`. */
  readonly worker: Worker;
  private inFlight = 0;
  private failure: Error | undefined;
  private result: string[] | undefined;
  private wake: (() => void) | undefined;
  private released = false;

  /** @param specs - the digests to compute, in the order {@link OffThreadDigests.digests} returns them */
  constructor(specs: OffThreadDigestSpec[]) {
    this.worker = payloadWorkers.take();
    this.post({ job: "digest", type: "start", specs });
    this.worker.on("message", (message: PayloadWorkerReply) => {
      if (message.job !== "digest") return;
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

  private post(message: PayloadWorkerRequest, transfer?: ArrayBuffer[]): void {
    this.worker.postMessage(message, transfer);
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
    this.post({ job: "digest", type: "data", chunk: message.chunk }, message.transfer);
  }

  /** The hex digests, once every chunk was hashed; the worker then goes back to the pool. */
  async digests(): Promise<string[]> {
    this.post({ job: "digest", type: "end" });
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
    if (clean) payloadWorkers.give(this.worker);
    else void this.worker.terminate();
  }
}
