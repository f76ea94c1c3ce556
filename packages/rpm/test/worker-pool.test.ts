/** WorkerPool: workers whose job ended cleanly are reused, at most two are kept idle, a dead idle one is dropped. */
import { describe, expect, it } from "vitest";
import { evalWorkerProgram, releaseIdlePayloadWorkers, WorkerPool } from "../src/payload/worker-pool.js";

const ECHO = `require("node:worker_threads").parentPort.on("message", (m) => {
  if (m === "die") process.exit(3);
  require("node:worker_threads").parentPort.postMessage(m);
});`;

const ask = (worker: ReturnType<WorkerPool["take"]>, message: string): Promise<unknown> =>
  new Promise((resolve) => {
    worker.ref();
    worker.once("message", (reply) => {
      worker.unref();
      resolve(reply);
    });
    worker.postMessage(message);
  });

describe("WorkerPool", () => {
  it("hands a worker given back to the next taker, and keeps at most two idle", async () => {
    const pool = new WorkerPool(ECHO);
    const first = pool.take();
    expect(await ask(first, "a")).toBe("a");
    pool.give(first);
    const again = pool.take();
    expect(again.threadId).toBe(first.threadId);
    expect(await ask(again, "b")).toBe("b");

    const workers = [again, pool.take(), pool.take()];
    for (const worker of workers) pool.give(worker); // (give removes the listeners of the job that ended)
    await new Promise((resolve) => workers[2]?.once("exit", resolve)); // the third one given back is stopped
    const ids = [pool.take().threadId, pool.take().threadId];
    expect(ids.sort()).toEqual([workers[0]?.threadId, workers[1]?.threadId].sort());
  });

  it("drops an idle worker that exits", async () => {
    const pool = new WorkerPool(ECHO);
    const worker = pool.take();
    await ask(worker, "x");
    pool.give(worker);
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    worker.postMessage("die");
    await exited;
    expect(pool.take().threadId).not.toBe(worker.threadId);
  });

  it("stops its idle workers when released, and starts a new one for the next job", async () => {
    const pool = new WorkerPool(ECHO);
    const workers = [pool.take(), pool.take()];
    for (const worker of workers) expect(await ask(worker, "y")).toBe("y");
    for (const worker of workers) pool.give(worker); // (give removes the job's listeners: listen after)
    const exits = workers.map((worker) => new Promise<number>((resolve) => worker.once("exit", resolve)));
    releaseIdlePayloadWorkers();
    expect(await Promise.all(exits)).toHaveLength(2);
    const next = pool.take();
    expect(workers.map((w) => w.threadId)).not.toContain(next.threadId);
    expect(await ask(next, "z")).toBe("z");
    pool.give(next);
    pool.closeIdle();
  });

  it("caps each worker's young generation", async () => {
    const pool = new WorkerPool(`require("node:worker_threads").parentPort.on("message", () =>
      require("node:worker_threads").parentPort.postMessage(require("node:v8").getHeapSpaceStatistics()
        .find((s) => s.space_name === "new_space").space_size));`);
    const worker = pool.take();
    const newSpace = (await ask(worker, "?")) as number;
    expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(2);
    expect(newSpace).toBeLessThanOrEqual(2 * 1024 * 1024);
    pool.give(worker);
    pool.closeIdle();
  });

  it("builds eval programs that get V8's full garbage collection as `collect`", async () => {
    const program = evalWorkerProgram((collect) => {
      const { parentPort } = require("node:worker_threads") as typeof import("node:worker_threads");
      parentPort?.on("message", () => {
        collect();
        parentPort.postMessage(`${typeof collect} ${String(collect).includes("[native code]")}`);
      });
    });
    const pool = new WorkerPool(program);
    const worker = pool.take();
    expect(await ask(worker, "gc")).toBe("function true");
    pool.give(worker);
    pool.closeIdle();
  });
});
