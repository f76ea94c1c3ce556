import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { checkObjectFile, type ObjectCheck } from "./check-object.js";

/** A batch of object files sent to a worker. */
export interface HashBatch {
  /** Batch number. */
  id: number;
  /** The grove directory. */
  dir: string;
  /** `<aa>/<name>` paths below `objects/`. */
  files: string[];
}

/** A worker's answer to a {@link HashBatch}. */
export interface HashBatchResult {
  /** Batch number. */
  id: number;
  /** One check per file, in order. */
  checks: ObjectCheck[];
}

/** Below this many objects the check runs in this thread: starting workers would cost more than it saves. */
const MIN_OBJECTS_FOR_WORKERS = 256;
const BATCH_FILES = 64;
/** Young-generation cap of a checker's V8 heap, in MB (1 MB per semi-space): it reads and hashes in buffers. */
const CHECKER_YOUNG_GENERATION_MB = 3;

/**
 * Checks object files with a small worker_threads pool (one worker per CPU, at most 4), so
 * hashing uses every core; falls back to this thread for small stores or when the compiled
 * worker script is not built.
 * @param dir - the grove directory
 * @param files - `<aa>/<name>` paths below `objects/`
 * @param onCheck - called once per file as results arrive
 * @param workers - pool size (default: available parallelism, at most 4)
 */
export async function checkObjects(
  dir: string,
  files: string[],
  onCheck: (check: ObjectCheck) => void,
  workers = Math.min(availableParallelism(), 4),
): Promise<void> {
  const canUseWorkers =
    workers > 1 && files.length >= MIN_OBJECTS_FOR_WORKERS && existsSync(fileURLToPath(workerUrl()));
  if (!canUseWorkers) {
    for (let i = 0; i < files.length; i++) {
      onCheck(checkObjectFile(dir, files[i]!));
      if (i % BATCH_FILES === BATCH_FILES - 1) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return;
  }
  const batches: HashBatch[] = [];
  for (let i = 0; i < files.length; i += BATCH_FILES) {
    batches.push({ id: batches.length, dir, files: files.slice(i, i + BATCH_FILES) });
  }
  let next = 0;
  const pool = Array.from(
    { length: Math.min(workers, batches.length) },
    () => new Worker(workerUrl(), { resourceLimits: { maxYoungGenerationSizeMb: CHECKER_YOUNG_GENERATION_MB } }),
  );
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              const batch = batches[next++];
              if (batch === undefined) resolve();
              else worker.postMessage(batch);
            };
            worker.on("message", (result: HashBatchResult) => {
              for (const check of result.checks) onCheck(check);
              feed();
            });
            worker.on("error", reject);
            worker.on("exit", (code) => {
              if (code !== 0) reject(new Error(`fsck worker exited with code ${code}`));
            });
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/**
 * The compiled worker, `dist/maintenance/fsck-worker.js`, found through this package's export map rather than
 * next to `import.meta.url`, which is the bundled CLI's file when this code runs inside it.
 */
function workerUrl(): URL {
  return new URL(import.meta.resolve("@grove/core/fsck-worker"));
}
