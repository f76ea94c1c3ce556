import { GroveError } from "@grove/core";
import type { ImportRpmResult } from "./import-rpm.js";

/** What an import worker is started with. */
export interface ImportWorkerData {
  /** The store's directory. */
  storeDir: string;
  /** The store's `fsync` setting. */
  fsync: boolean;
  /** The store's lock timeout. */
  lockTimeoutMs: number;
}

/** Main thread to import worker: import one package, or finish. */
export type ImportWorkerRequest =
  | { type: "import"; index: number; file: string; sha256: string | undefined; verify: boolean }
  | { type: "close" };

/** An error crossing the thread boundary as plain data. */
export interface TransferredError {
  /** GroveError code, when it was one. */
  code?: string;
  /** The error's message. */
  message: string;
  /** GroveError hint. */
  hint?: string | undefined;
  /** GroveError subject. */
  subject?: string | undefined;
  /** The error's name, for other errors. */
  name?: string;
  /** The stack as the worker saw it. */
  stack?: string | undefined;
}

/** Import worker to main thread. */
export type ImportWorkerReply =
  | { type: "ready" }
  | { type: "done"; index: number; result: ImportRpmResult }
  | { type: "failed"; index: number; error: TransferredError }
  | { type: "broken"; error: TransferredError };

/** Rebuilds a thrown value that crossed from a worker: a GroveError again when it was one. */
export function revivedError(error: TransferredError): Error {
  const revived =
    error.code === undefined
      ? Object.assign(new Error(error.message), { name: error.name ?? "Error" })
      : new GroveError(error.code, error.message, {
          ...(error.hint === undefined ? {} : { hint: error.hint }),
          ...(error.subject === undefined ? {} : { subject: error.subject }),
        });
  if (error.stack !== undefined) revived.stack = error.stack;
  return revived;
}
