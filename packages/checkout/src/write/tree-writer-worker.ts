/**
 * Worker-thread entry of the parallel tree writer: receives {@link WriterJob}s, writes them with
 * {@link runWriteOps} and posts each {@link WriteOpsResult} back. Imports only `node:*` modules and
 * the write helpers, so the thread starts in a few tens of milliseconds.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { type DirOp, type NodeOp, runWriteOps, type WriteOpsContext } from "./write-ops.js";

/** One job for the writer thread. */
export interface WriterJob {
  /** Directories to create, parents first. */
  dirs: DirOp[];
  /** Nodes to create. */
  nodes: NodeOp[];
  /** Root, copy mode, symlink pool. */
  ctx: WriteOpsContext;
}

parentPort?.on("message", (job: WriterJob) => {
  // Buffers arrive as plain Uint8Arrays: make them Buffers again (the symlink pool compares bytes).
  for (const d of job.dirs) d.target = asBuffer(d.target);
  for (const n of job.nodes) {
    n.target = asBuffer(n.target);
    if (n.linkTo !== undefined) n.linkTo = asBuffer(n.linkTo);
  }
  const result = runWriteOps(job.dirs, job.nodes, job.ctx);
  if (result.failure?.kind === "error") delete result.failure.error;
  parentPort?.postMessage(result);
});

function asBuffer(value: string | Uint8Array): string | Buffer {
  return typeof value === "string" || Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
