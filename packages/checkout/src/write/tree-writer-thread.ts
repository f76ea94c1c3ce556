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

/** The compiled worker module; from the TypeScript sources (tests), the built one in `dist/`. */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts")
    ? new URL("../../dist/write/tree-writer-worker.js", here)
    : new URL("./tree-writer-worker.js", here);
}
