import { Worker } from "node:worker_threads";

/** Idle workers kept per program: enough for the two or three packages a thread reads at once. */
const MAX_IDLE_WORKERS = 2;

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
  ) {}

  /** An idle worker, or a new one; unreferenced (reference it while waiting for it). */
  take(): Worker {
    const worker = this.idle.pop();
    if (worker !== undefined) {
      worker.removeAllListeners("exit");
      worker.removeAllListeners("error");
      return worker;
    }
    const started = new Worker(this.source, { eval: true, workerData: this.workerData });
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
}
