/**
 * The worker-thread side of {@link importRpmFiles}: imports the packages the main thread hands it, one at a
 * time, into the store named in `workerData`, holding the store's shared lock for its whole life (one lock
 * file per worker instead of one per package). Loaded only as a worker; it does nothing when imported.
 * @packageDocumentation
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { isGroveError, openStore, type Store } from "@grove/core";
import type { ImportWorkerData, ImportWorkerReply, ImportWorkerRequest, TransferredError } from "./import-messages.js";
import { importRpm } from "./import-rpm.js";

/** A thrown value as plain data (a GroveError keeps its code, hint and subject). */
function transferredError(err: unknown): TransferredError {
  if (isGroveError(err)) {
    return { code: err.code, message: err.message, hint: err.hint, subject: err.subject, stack: err.stack };
  }
  if (err instanceof Error) return { message: err.message, name: err.name, stack: err.stack };
  return { message: String(err) };
}

async function serve(port: NonNullable<typeof parentPort>, data: ImportWorkerData): Promise<void> {
  const store: Store = await openStore(data.storeDir, { fsync: data.fsync, lockTimeoutMs: data.lockTimeoutMs });
  const release = await store.lock.acquireShared();
  const reply = (message: ImportWorkerReply): void => port.postMessage(message);
  port.on("message", (request: ImportWorkerRequest) => {
    if (request.type === "close") {
      void release().finally(() => port.close());
      return;
    }
    const { index, file, sha256, verify } = request;
    importRpm(store, file, { ...(sha256 === undefined ? {} : { sha256 }), verify }).then(
      (result) => reply({ type: "done", index, result }),
      (err: unknown) => reply({ type: "failed", index, error: transferredError(err) }),
    );
  });
  reply({ type: "ready" });
}

if (!isMainThread && parentPort !== null) {
  const port = parentPort;
  serve(port, workerData as ImportWorkerData).catch((err: unknown) => {
    port.postMessage({ type: "broken", error: transferredError(err) } satisfies ImportWorkerReply);
  });
}
