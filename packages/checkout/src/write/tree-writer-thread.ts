import { Worker } from "node:worker_threads";
import type { WriterJob } from "./tree-writer-worker.js";
import type { WriteOpsResult } from "./write-ops.js";

/**
 * Young-generation cap of the writer thread's V8 heap, in MB (1 MB per semi-space): the thread allocates little,
 * and V8's default (up to 16 MB per semi-space) only inflates its resident memory.
 */
const WRITER_YOUNG_GENERATION_MB = 3;

let spare: Worker | undefined;
/** Resolves when the spare thread has started (its first message); see {@link treeWriterReady}. */
let spareReady: Promise<void> | undefined;

/**
 * Starts a thread on the tree writer's worker module, with the writer's memory limits, and returns it; nothing
 * uses it until it is handed to {@link prestartTreeWriter}. For a launcher that starts the thread before it
 * loads the code that writes trees (the `grove` CLI does, before its bundle).
 * @param url - the worker module: by default this package's `dist/write/tree-writer-worker.js`; a bundled copy
 * of it may be given instead
 */
export function startTreeWriterThread(url: URL = workerUrl()): Worker {
  return new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
}

/**
 * Starts the parallel tree writer's worker thread now, so that its start-up (some 30-40 ms) overlaps
 * whatever comes before the checkout (solving, planning). Idempotent; the thread does not keep the
 * process alive, and a later `writeTreeParallel` uses it. Call it early in a command that will check
 * out a tree (`grove assemble`); an unused thread costs its start-up CPU and some 25 MB of memory.
 * @param started - a thread {@link startTreeWriterThread} started in this same turn of the event loop (so
 * that its first message is not missed), to use instead of starting one; terminated if a thread is already
 * waiting
 */
export function prestartTreeWriter(started?: Worker): void {
  if (spare !== undefined) {
    if (started !== undefined) void started.terminate();
    return;
  }
  const worker = started ?? startTreeWriterThread();
  worker.unref();
  spareReady = new Promise<void>((resolve) => {
    worker.once("message", () => resolve());
    worker.once("exit", () => resolve());
  });
  // An idle thread that fails or exits is dropped; the next job starts a new one.
  worker.on("error", () => {});
  worker.once("exit", () => {
    if (spare === worker) spare = undefined;
  });
  spare = worker;
}

/**
 * Resolves once the prestarted writer thread has finished starting up (or exited); at once when there is none.
 * For tests and measurements: a write then surely has both threads from its first part.
 */
export function treeWriterReady(): Promise<void> {
  return spare === undefined ? Promise.resolve() : (spareReady ?? Promise.resolve());
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

/** A job handed to the writer thread. */
export interface WriterRun {
  /** The results of the parts the thread wrote; rejects when the thread dies or fails to start. */
  result: Promise<WriteOpsResult[]>;
  /** Stops the thread without waiting (its job is not wanted any more); `result` then never settles. */
  cancel(): void;
}

/**
 * Runs one job on the writer thread (the prestarted one, else a new one).
 * @param job - the parts (or where to read them), the claims array and the write context
 */
export function runOnWriterThread(job: WriterJob): WriterRun {
  prestartTreeWriter();
  const worker = spare!;
  spare = undefined;
  worker.ref();
  const finish = () => {
    worker.removeAllListeners();
    worker.on("error", () => {}); // whatever a terminating thread still reports is moot
    void worker.terminate();
  };
  const result = new Promise<WriteOpsResult[]>((resolve, reject) => {
    worker.on("message", (reply: { results: WriteOpsResult[] } | { ready: true }) => {
      if ("ready" in reply) return; // the start-up notice
      finish();
      resolve(reply.results);
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
  return { result, cancel: finish };
}

/**
 * The compiled worker module, `dist/write/tree-writer-worker.js`, found through this package's export map
 * rather than next to `import.meta.url`: the caller may be the bundled CLI (one file elsewhere) or the
 * TypeScript sources under a test runner, and either way the worker is this package's own built file.
 */
function workerUrl(): URL {
  return new URL(import.meta.resolve("@grove/checkout/tree-writer-worker"));
}
