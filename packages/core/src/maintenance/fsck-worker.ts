/**
 * worker_threads entry of the fsck object-hashing pool: receives batches of object files, checks
 * each with {@link checkObjectFile}, and posts the results back.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { checkObjectFile } from "./check-object.js";
import type { HashBatch, HashBatchResult } from "./object-check-pool.js";

parentPort?.on("message", (batch: HashBatch) => {
  const result: HashBatchResult = { id: batch.id, checks: batch.files.map((rel) => checkObjectFile(batch.dir, rel)) };
  parentPort?.postMessage(result);
});
