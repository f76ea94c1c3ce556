import { emptyNodeStats, runWriteOps, toFailure, type WriteOpsContext, type WriteOpsResult } from "./write-ops.js";
import type { WritePart } from "./write-tree.js";

/** `owners` value of a part the main (calling) thread took. */
export const MAIN_THREAD = 1;
/** `owners` value of a part the writer thread took. */
export const WRITER_THREAD = 2;

/**
 * Takes the parts of a tree one at a time, each claimed in `owners` (one `Int32Array` slot per part, 0 while free,
 * then a stop flag) with `Atomics.compareExchange`, and writes each with {@link runWriteOps}, until no part is left
 * or a failure (this thread's or the other's) sets the stop flag. The main thread and the writer thread both run
 * this loop over the same array. A part that cannot be had (`part` throws: a damaged recipe line) is a failure
 * with index -1, like any other.
 * @param owners - the claims and the stop flag, shared by both threads
 * @param me - {@link MAIN_THREAD} or {@link WRITER_THREAD}
 * @param part - part `i` (parsed on demand)
 * @param ctx - root, store objects, copy mode, symlink pool
 * @returns the results of the parts this thread wrote
 */
export function writeTakenParts(
  owners: Int32Array,
  me: number,
  part: (i: number) => WritePart,
  ctx: WriteOpsContext,
): WriteOpsResult[] {
  const count = owners.length - 1;
  const results: WriteOpsResult[] = [];
  for (let i = 0; i < count; i++) {
    if (Atomics.load(owners, count) !== 0) break;
    if (Atomics.compareExchange(owners, i, 0, me) !== 0) continue;
    let result: WriteOpsResult;
    try {
      const mine = part(i);
      result = runWriteOps(mine.dirs, mine.nodes, ctx);
    } catch (err) {
      result = { stats: emptyNodeStats(), warnings: [], failure: toFailure(-1, err) };
    }
    results.push(result);
    if (result.failure !== undefined) Atomics.store(owners, count, 1);
  }
  return results;
}
