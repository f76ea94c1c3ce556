import { Worker } from "node:worker_threads";

/** Idle workers kept per program: enough for the two or three packages a thread reads at once. */
const MAX_IDLE_WORKERS = 2;

/**
 * Young-generation cap of a pool worker's V8 heap, in MB. Workers move bytes in transferred or shared
 * buffers (outside the heap) and allocate little on it; V8's default (up to 16 MB per semi-space) only
 * inflates each idle worker's resident memory.
 */
const WORKER_YOUNG_GENERATION_MB = 2;

/**
 * The source of an `eval` worker running `main` (a self-contained function: it is serialized with
 * `Function#toString`, so it may use only `require` and its own body). `main` gets `collect`, which runs a full
 * garbage collection: an idle worker never collects garbage, so the last job's chunks (shared memory, or
 * transferred buffers) would stay alive until its next job; collecting once a job has ended frees them.
 * @param main - the worker's program
 */
export function evalWorkerProgram(main: (collect: () => void) => void): string {
  return `(${main.toString()})((${fullCollection.toString()})())`;
}

/** In the worker: a function running a full collection (`gc`, exposed at run time), or a no-op if that fails. */
function fullCollection(): () => void {
  try {
    (require("node:v8") as typeof import("node:v8")).setFlagsFromString("--expose-gc");
    return (require("node:vm") as typeof import("node:vm")).runInNewContext("gc") as () => void;
  } catch {
    return () => undefined;
  }
}

/** Every pool of this module (a program each), for {@link releaseIdlePayloadWorkers}. */
const pools = new Set<WorkerPool>();

/**
 * Terminates the idle workers of every pool now instead of keeping them for the next payload. Call it when
 * a batch of imports is over and memory matters more than the next payload's start-up (some 20 ms of CPU
 * per worker; each idle worker holds about 10 MB). Workers in use are not affected; the pools start new
 * workers when needed again.
 */
export function releaseIdlePayloadWorkers(): void {
  for (const pool of pools) pool.closeIdle();
}

/**
 * Worker threads running one `eval` program, kept for the next payload once a job ended cleanly: starting a
 * worker costs ~20 ms of CPU (a V8 isolate and Node's bootstrap), as much as hashing 40 MB, and a batch of
 * large packages would pay it for every one. The program must take its per-job settings from a message, not
 * from `workerData`, and leave no state behind when a job ends. Idle workers are unreferenced: they never
 * keep the process alive.
 */
export class WorkerPool {
  private readonly idle: Worker[] = [];

  /**
   * @param source - the program (see zstd-worker.ts for the rules of `eval` workers)
   * @param workerData - what every worker of this program starts with
   */
  constructor(
    private readonly source: string,
    private readonly workerData: unknown = undefined,
  ) {
    pools.add(this);
  }

  /** An idle worker, or a new one; unreferenced (reference it while waiting for it). */
  take(): Worker {
    const worker = this.idle.pop();
    if (worker !== undefined) {
      worker.removeAllListeners("exit");
      worker.removeAllListeners("error");
      return worker;
    }
    const started = new Worker(this.source, {
      eval: true,
      workerData: this.workerData,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    started.unref();
    return started;
  }

  /**
   * Takes back a worker whose job ended cleanly (its last reply received, nothing in flight), for the next
   * job; the caller's listeners are removed. One that is not reusable: call `terminate()` instead.
   */
  give(worker: Worker): void {
    for (const event of ["message", "messageerror", "error", "exit", "online"]) worker.removeAllListeners(event);
    worker.unref();
    if (this.idle.length >= MAX_IDLE_WORKERS) {
      void worker.terminate();
      return;
    }
    this.idle.push(worker);
    worker.on("error", () => undefined); // an idle worker that fails just goes (its exit follows)
    worker.once("exit", () => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
  }

  /** Terminates the idle workers (see {@link releaseIdlePayloadWorkers}). */
  closeIdle(): void {
    for (const worker of this.idle.splice(0)) void worker.terminate();
  }
}
