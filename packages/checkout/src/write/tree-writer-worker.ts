/**
 * Worker-thread entry of the parallel tree writer: receives a {@link WriterJob}, takes parts of the tree one at a
 * time (claiming each in the shared `owners` array, as the main thread does) until none is left, writes each with
 * {@link runWriteOps}, and posts the results back. Imports only `node:*` modules and the write helpers, so the
 * thread starts in a few tens of milliseconds.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { readTextFile } from "../store/ascii-text.js";
import { WRITER_THREAD, writeTakenParts } from "./take-parts.js";
import type { WriteOpsContext } from "./write-ops.js";
import { checkWritePart } from "./write-part-json.js";
import type { WritePart } from "./write-tree.js";

/** One job for the writer thread: the parts of a tree, given or to read from the lines of a file. */
export type WriterJob = {
  /** Root, store objects, copy mode, symlink pool. */
  ctx: WriteOpsContext;
  /** One `Int32Array` slot per part (0 free, 1 the main thread's, 2 this thread's), then a stop flag. */
  owners: SharedArrayBuffer;
} & (
  | {
      /** The parts. */
      parts: WritePart[];
    }
  | {
      /** Where the parts are: JSON lines of a file (a cached checkout recipe), part `i` on line `firstLine + i`. */
      partsAt: { file: string; firstLine: number };
    }
);

// Ready: whoever waits for the thread (see `treeWriterReady`) knows its start-up is over.
parentPort?.postMessage({ ready: true });

parentPort?.on("message", (job: WriterJob) => {
  const part = "parts" in job ? (i: number) => job.parts[i]! : partReader(job.partsAt.file, job.partsAt.firstLine);
  const results = writeTakenParts(new Int32Array(job.owners), WRITER_THREAD, part, job.ctx);
  // The error objects stay here; their message, code, errno, syscall and path go back as data.
  for (const result of results) if (result.failure?.kind === "error") delete result.failure.error;
  parentPort?.postMessage({ results });
});

/** Reads part `i` from line `firstLine + i` of `file` (read once), checked (see `checkWritePart`). */
function partReader(file: string, firstLine: number): (i: number) => WritePart {
  let lines: string[] | undefined;
  return (i) => {
    lines ??= readTextFile(file).split("\n");
    const line = lines[firstLine + i];
    if (line === undefined || line === "") throw new Error(`${file}: line ${firstLine + i + 1} is missing`);
    return checkWritePart(JSON.parse(line) as unknown, file);
  };
}
