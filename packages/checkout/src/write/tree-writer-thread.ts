import { Worker } from "node:worker_threads";
import type { WriterJob } from "./tree-writer-worker.js";
import type { WriteOpsResult } from "./write-ops.js";

let spare: Worker | undefined;

/**
 * Starts the parallel tree writer's worker thread now, so that its start-up (some 30-40 ms) overlaps
 * whatever comes before the checkout (solving, planning). Idempotent; the thread does not keep the
 * process alive, and a later `writeTreeParallel` uses it. Call it early in a command that will check
 * out a tree (`grove assemble`); an unused thread costs its start-up CPU and some 25 MB of memory.
 */
export function prestartTreeWriter(): void {
  if (spare !== undefined) return;
  const worker = new Worker(workerUrl());
  worker.unref();
  // An idle thread that fails or exits is dropped; the next job starts a new one.
  worker.on("error", () => {});
  worker.once("exit", () => {
    if (spare === worker) spare = undefined;
  });
  spare = worker;
}

/**
 * Terminates the prestarted writer thread if it is idle, to give back its memory (some 12 MB) while
 * something long and memory-hungry runs first (importing packages); `prestartTreeWriter` again once it
 * is over. No effect when no thread is waiting.
 * @returns whether a waiting thread was stopped
 */
export function releaseTreeWriter(): boolean {
  const worker = spare;
  if (worker === undefined) return false;
  spare = undefined;
  void worker.terminate();
  return true;
}

/**
 * Runs one job on the writer thread (the prestarted one, else a new one) and resolves with its
 * result; rejects when the thread dies or fails to start.
 * @param job - directories, nodes and context
 */
export function runOnWriterThread(job: WriterJob): Promise<WriteOpsResult> {
  prestartTreeWriter();
  const worker = spare!;
  spare = undefined;
  worker.ref();
  return new Promise<WriteOpsResult>((resolve, reject) => {
    const finish = () => {
      worker.removeAllListeners();
      worker.on("error", () => {}); // whatever a terminating thread still reports is moot
      void worker.terminate();
    };
    worker.once("message", (result: WriteOpsResult) => {
      finish();
      resolve(result);
    });
    worker.once("error", (err) => {
      finish();
      reject(err);
    });
    worker.once("exit", (code) => {
      finish();
      reject(new Error(`the tree writer thread exited (code ${code}) before finishing`));
    });
    worker.postMessage(job);
  });
}

/**
 * The compiled worker module, `dist/write/tree-writer-worker.js`, found through this package's export map
 * rather than next to `import.meta.url`: the caller may be the bundled CLI (one file elsewhere) or the
 * TypeScript sources under a test runner, and either way the worker is this package's own built file.
 */
function workerUrl(): URL {
  return new URL(import.meta.resolve("@grove/checkout/tree-writer-worker"));
}
