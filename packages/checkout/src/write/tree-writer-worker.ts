/**
 * Worker-thread entry of the parallel tree writer: receives {@link WriterJob}s, writes them with
 * {@link runWriteOps} and posts each {@link WriteOpsResult} back. Imports only `node:*` modules and
 * the write helpers, so the thread starts in a few tens of milliseconds.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { emptyNodeStats, runWriteOps, type WriteOpsContext, type WriteOpsResult } from "./write-ops.js";
import { readWritePartLine } from "./write-part-json.js";
import type { WritePart } from "./write-tree.js";

/** One job for the writer thread: a part of a tree, given or to read from a line of a file. */
export type WriterJob =
  | {
      /** Root, store objects, copy mode, symlink pool. */
      ctx: WriteOpsContext;
      /** The directories and nodes to write. */
      part: WritePart;
    }
  | {
      /** Root, store objects, copy mode, symlink pool. */
      ctx: WriteOpsContext;
      /** Where the part is: a JSON line of a file (a cached checkout recipe). */
      partAt: { file: string; line: number };
    };

parentPort?.on("message", (job: WriterJob) => {
  let result: WriteOpsResult;
  try {
    const part = "part" in job ? job.part : readWritePartLine(job.partAt.file, job.partAt.line);
    result = runWriteOps(part.dirs, part.nodes, job.ctx);
  } catch (err) {
    result = {
      stats: emptyNodeStats(),
      warnings: [],
      failure: { kind: "error", index: -1, message: (err as Error)?.message ?? String(err) },
    };
  }
  if (result.failure?.kind === "error") delete result.failure.error;
  parentPort?.postMessage(result);
});
