import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { formatPerm, GroveError } from "@grove/core/store";
import type { TreeLayout } from "../plan/layout.js";
import type { CheckoutWarning, DirMode } from "../types.js";
import { appliedDirMode, applyDirModes } from "./dir-modes.js";
import { fsPath } from "./fs-path.js";
import { splitLayout } from "./split-layout.js";
import { MAIN_THREAD, WRITER_THREAD, writeTakenParts } from "./take-parts.js";
import { runOnWriterThread } from "./tree-writer-thread.js";
import type { WriterJob } from "./tree-writer-worker.js";
import {
  type DirOp,
  emptyNodeStats,
  type NodeOp,
  type NodeStats,
  runWriteOps,
  type WriteFailure,
  type WriteOpsContext,
  type WriteOpsResult,
} from "./write-ops.js";

/** Counters of one tree write. */
export interface WriteStats extends NodeStats {
  /** Directories created (the root included). */
  dirs: number;
}

/** Result of {@link writeTree}. */
export interface WriteTreeResult {
  /** Counters. */
  stats: WriteStats;
  /** Directory modes still to apply, deepest first (empty when applied). */
  dirModes: DirMode[];
  /** Decisions worth telling (copies instead of links, skipped special files). */
  warnings: CheckoutWarning[];
  /**
   * Threads that wrote part of the tree: 1, or 2 when the writer thread took at least one part
   * ({@link writeTreeParallel} on a tree large enough, and the thread ready in time).
   */
  threads: number;
}

/** Options of {@link writeTree}. */
export interface WriteTreeOptions {
  /** The grove directory holding `objects/`. */
  storeDir: string;
  /** Absolute path of the new root; must not exist (its parent must). */
  dest: string;
  /** Copy every file instead of hard-linking (e.g. the root is on another file system). */
  copyAll?: boolean;
  /** Apply the final directory modes at the end (default true); otherwise they are returned. */
  applyDirModes?: boolean;
  /**
   * Create symlinks as hard links to shared ones in `<storeDir>/cache/symlinks` (default true; see
   * `SymlinkPool`); false creates each symlink anew. Never with `copyAll`.
   */
  sharedSymlinks?: boolean;
  /**
   * {@link writeTreeParallel} only: the estimated cost (about one per hard link, see `splitLayout`) of a part:
   * the tree is cut into as many parts as it holds of these, at most 8 (default 500); a tree of less than two
   * is written serially.
   */
  parallelMinCost?: number;
  /**
   * {@link writeTreeParallel} and `executeTreeWrite` only: leave every part to the writer thread (default false).
   * For tests and diagnostics: it makes the thread's side of a write deterministic.
   */
  writerThreadOnly?: boolean;
}

const PERM_SUFFIX: string[] = Array.from({ length: 0o1000 }, (_, perm) => `.${formatPerm(perm)}`);

/** Estimated cost of a part, at least (about 500 hard links): smaller parts cost more in hand-offs than they share. */
const PART_MIN_COST = 500;
/**
 * Parts of a tree written on two threads, at most. Each thread takes the next part nobody took yet, so a writer
 * thread still starting up leaves its share to the main thread instead of making it wait (measured: 10-30 ms of a
 * warm assemble waiting with a fixed split in halves), and a thread that runs slower takes fewer parts.
 */
const MAX_PARTS = 8;

/**
 * A tree's writes resolved to plain JSON data, independent of where the root goes: what {@link writeTree}
 * and {@link writeTreeParallel} execute, and what a cached checkout recipe keeps.
 */
export interface TreeWritePlan {
  /** Every directory in layout order (index 0 is the root, `/`) with the mode it ends with. */
  dirs: PlannedDir[];
  /** Directories created before the parts (the ancestors the parts write below), parents first. */
  spine: DirOp[];
  /** One part (written serially), or several of whole subtrees, heaviest first, taken by the threads in turn. */
  parts: WritePart[];
}

/** A directory of a {@link TreeWritePlan} and its final mode. */
export interface PlannedDir {
  /** Path inside the root. */
  path: string;
  /** Written as ISO-8859-1 bytes. */
  latin1?: boolean;
  /** The mode it ends with (`appliedDirMode` of the entry's). */
  mode: number;
}

/** One part of a {@link TreeWritePlan}: its directories (parents first), then its nodes. */
export interface WritePart {
  /** Directories to create. */
  dirs: DirOp[];
  /** Nodes to create. */
  nodes: NodeOp[];
}

/** Options of {@link planTreeWrite}. */
export interface PlanTreeWriteOptions {
  /** Every file is copied (changes the cost estimates of the parts). */
  copyAll?: boolean;
  /** Cut the tree into parts for two threads (default false: one part). */
  parallel?: boolean;
  /** See {@link WriteTreeOptions.parallelMinCost}. */
  parallelMinCost?: number;
}

/**
 * Resolves a laid-out tree into a {@link TreeWritePlan}: directory and node ops in creation order, in
 * one part or (with `parallel`, for a tree large enough) up to 8 parts of about equal cost ({@link splitLayout}).
 * @param layout - directories and nodes in creation order
 * @param options - copying and splitting options
 */
export function planTreeWrite(layout: TreeLayout, options: PlanTreeWriteOptions = {}): TreeWritePlan {
  const dirs = layout.dirs.map(
    (d): PlannedDir =>
      d.latin1
        ? { path: d.path, latin1: true, mode: appliedDirMode(d.mode) }
        : { path: d.path, mode: appliedDirMode(d.mode) },
  );
  if (options.parallel) {
    const copyAll = options.copyAll ?? false;
    const minCost = options.parallelMinCost ?? PART_MIN_COST;
    const split = splitLayout(layout, copyAll, (total) => Math.min(MAX_PARTS, Math.floor(total / minCost)));
    if (split.parts.length >= 2) {
      return {
        dirs,
        spine: dirOps(dirs, split.spine.slice(1)),
        parts: split.parts.map((part) => ({ dirs: dirOps(dirs, part.dirs), nodes: nodeOps(layout, part.nodes) })),
      };
    }
  }
  const allDirs = dirs.map((_, i) => i).slice(1);
  const allNodes = layout.nodes.map((_, i) => i);
  return { dirs, spine: [], parts: [{ dirs: dirOps(dirs, allDirs), nodes: nodeOps(layout, allNodes) }] };
}

/**
 * Writes a laid-out tree with synchronous calls in one tight loop (no per-file promises): all
 * directories (owner-writable while building), then every file as a hard link to its store object
 * (a copy in copy areas, or when `link` fails with EXDEV/EMLINK), symlinks (hard links to shared
 * symlinks of the store, see `sharedSymlinks`), and finally directory modes, deepest first. Device
 * nodes, FIFOs and sockets are skipped (they need privileges). Missing parents of `dest` are created.
 * Throws `CHECKOUT_DEST_EXISTS` when `dest` exists, `CHECKOUT_MISSING_OBJECT` when the store lacks an object.
 * @param layout - directories and nodes in creation order
 * @param options - store, destination, copy and mode options
 */
export function writeTree(layout: TreeLayout, options: WriteTreeOptions): WriteTreeResult {
  const plan = planTreeWrite(layout, { copyAll: options.copyAll ?? false });
  const prepared = prepareTree(plan, options);
  return finishTree(prepared, [runWriteOps(plan.parts[0]!.dirs, plan.parts[0]!.nodes, prepared.ctx)], 1, options);
}

/**
 * {@link writeTree} on two threads: the layout is cut into parts of whole subtrees of about equal cost
 * ({@link splitLayout}), and this thread and a worker thread (started early by `prestartTreeWriter` when the
 * caller knows a checkout is coming) each take the next part nobody took yet until none is left. Same tree,
 * stats, warnings (in the serial order), directory modes and errors as {@link writeTree}; a small tree is
 * written serially.
 * @param layout - directories and nodes in creation order
 * @param options - store, destination, copy and mode options
 */
export async function writeTreeParallel(layout: TreeLayout, options: WriteTreeOptions): Promise<WriteTreeResult> {
  const plan = planTreeWrite(layout, {
    copyAll: options.copyAll ?? false,
    parallel: true,
    ...(options.parallelMinCost === undefined ? {} : { parallelMinCost: options.parallelMinCost }),
  });
  return executeTreeWrite(plan, options, (ctx, owners) => ({ ctx, owners, parts: plan.parts }));
}

/**
 * Executes a {@link TreeWritePlan}: creates the root and the spine, then writes the parts. With more than one
 * part, the writer thread gets the job `threadJob` makes (the parts themselves, or where to read them, e.g. a
 * cached recipe's lines) and both threads take parts in order, each claiming a part in `owners` (a shared array,
 * one slot per part plus a stop flag) before writing it: whoever is free takes the next. The thread is waited for
 * only when it took a part; otherwise it is stopped. Merges the results as {@link writeTree} does.
 * @param plan - the directories, spine and parts (a part may be a function that parses it, called only if this
 *   thread takes it)
 * @param options - store, destination, copy and mode options
 * @param threadJob - the writer thread's job, given the write context and the claims array
 */
export async function executeTreeWrite(
  plan: Pick<TreeWritePlan, "dirs" | "spine"> & { parts: readonly (WritePart | (() => WritePart))[] },
  options: WriteTreeOptions,
  threadJob: (ctx: WriteOpsContext, owners: SharedArrayBuffer) => WriterJob,
): Promise<WriteTreeResult> {
  const prepared = prepareTree(plan, options);
  const { ctx } = prepared;
  const part = (i: number): WritePart => {
    const p = plan.parts[i]!;
    return typeof p === "function" ? p() : p;
  };
  if (plan.parts.length < 2) {
    const only = part(0);
    return finishTree(prepared, [runWriteOps(only.dirs, only.nodes, ctx)], 1, options);
  }
  const spine = runWriteOps(plan.spine, [], ctx);
  if (spine.failure !== undefined) throw failureError(spine.failure);
  const count = plan.parts.length;
  const shared = new SharedArrayBuffer(4 * (count + 1));
  const owners = new Int32Array(shared);
  const thread = runOnWriterThread(threadJob(ctx, shared));
  if (options.writerThreadOnly) {
    const remote = await thread.result.catch((err: unknown) => [threadFailure(err, ctx.dest)]);
    return finishTree(prepared, remote, 2, options);
  }
  const results = writeTakenParts(owners, MAIN_THREAD, part, ctx);
  const remote = await settleThread(owners, count, thread, ctx.dest);
  return finishTree(prepared, [...results, ...remote.results], remote.tookPart ? 2 : 1, options);
}

/**
 * Claims every part nobody took (so the writer thread can take none from now on), then waits for the writer
 * thread's results when it took a part, or stops it when it took none (it may still be starting up).
 */
async function settleThread(
  owners: Int32Array,
  count: number,
  thread: ReturnType<typeof runOnWriterThread>,
  dest: string,
): Promise<{ results: WriteOpsResult[]; tookPart: boolean }> {
  let tookPart = false;
  for (let i = 0; i < count; i++) {
    Atomics.compareExchange(owners, i, 0, MAIN_THREAD);
    if (Atomics.load(owners, i) === WRITER_THREAD) tookPart = true;
  }
  if (!tookPart) {
    thread.cancel();
    return { results: [], tookPart };
  }
  const results = await thread.result.catch((err: unknown) => [threadFailure(err, dest)]);
  return { results, tookPart };
}

/** The result standing for a writer thread that died or failed to start. */
function threadFailure(err: unknown, dest: string): WriteOpsResult {
  const message = `the tree writer thread failed: ${(err as Error)?.message ?? String(err)}`;
  return {
    stats: emptyNodeStats(),
    warnings: [],
    failure: {
      kind: "error",
      index: -1,
      message,
      error: new GroveError("CHECKOUT_WRITER_FAILED", `cannot check out into ${dest}: ${message}`, {
        subject: dest,
        cause: err,
      }),
    },
  };
}

/** A tree whose root exists, with what every part of the write needs. */
interface PreparedTree {
  /** Number of directories (the root included). */
  dirCount: number;
  ctx: WriteOpsContext;
  /** Directory modes to apply afterwards, in layout order (parents first). */
  pending: DirMode[];
}

/** Creates the root (and its missing parents), learns the umask and computes the directory modes. */
function prepareTree(plan: Pick<TreeWritePlan, "dirs">, options: WriteTreeOptions): PreparedTree {
  const dest = options.dest;
  const copyAll = options.copyAll ?? false;
  // The root first: it tells the umask (the mode mkdir really gives), so that directories created
  // with their final mode need no chmod later.
  mkdirSync(path.dirname(dest), { recursive: true });
  try {
    mkdirSync(dest, 0o777);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") {
      throw new GroveError("CHECKOUT_DEST_EXISTS", `cannot check out into ${dest}: it already exists`, {
        subject: dest,
        hint: "check out into a new directory",
      });
    }
    throw err;
  }
  const umask = 0o777 & ~(statSync(dest).mode & 0o777);
  const pending: DirMode[] = [];
  for (const dir of plan.dirs) {
    const final = dir.mode;
    const effective = dir.path === "/" ? -1 : createdMode(final) & ~umask;
    if (effective !== final) {
      pending.push({ path: dir.path === "/" ? dest : fsPath(dest, dir.path, dir.latin1), mode: final });
    }
  }
  const pool = (options.sharedSymlinks ?? true) && !copyAll ? `${options.storeDir}/cache/symlinks` : undefined;
  return {
    dirCount: plan.dirs.length,
    ctx: { dest, objectsDir: `${options.storeDir}/objects/`, copyAll, symlinkPoolDir: pool },
    pending,
  };
}

/** The mode a directory is created with: its final one, owner-writable while the tree is built. */
function createdMode(final: number): number {
  return (final | 0o700) & 0o777;
}

function dirOps(dirs: readonly PlannedDir[], indices: readonly number[]): DirOp[] {
  return indices.map((i) => {
    const dir = dirs[i]!;
    const created = createdMode(dir.mode);
    return dir.latin1 ? { path: dir.path, latin1: true, created } : { path: dir.path, created };
  });
}

function nodeOps(layout: TreeLayout, indices: readonly number[]): NodeOp[] {
  return indices.map((index): NodeOp => {
    const node = layout.nodes[index]!;
    const planned = node.planned;
    const entry = planned.entry;
    let op: NodeOp;
    switch (entry.type) {
      case "file":
      case "hardlink":
        op = {
          index,
          kind: "file",
          path: node.path,
          object: `${entry.object!.slice(0, 2)}/${entry.object}${PERM_SUFFIX[entry.mode & 0o777]}`,
          mode: entry.mode,
          size: entry.size ?? 0,
        };
        if (node.copy) op.copy = true;
        break;
      case "symlink":
        op = { index, kind: "symlink", path: node.path, linkTo: entry.linkTo! };
        if (planned.latin1Target) op.latin1Target = true;
        break;
      default:
        op = { index, kind: "special", path: node.path, type: entry.type };
    }
    if (planned.latin1Path) op.latin1 = true;
    if (planned.path !== node.path) op.plannedPath = planned.path;
    return op;
  });
}

function emptyWriteStats(): WriteStats {
  return { dirs: 0, ...emptyNodeStats() };
}

/**
 * Merges the parts' results (in any order) as one serial write would have produced them: summed counters,
 * warnings in node order (one EXDEV warning), the first failure in node order thrown; then applies
 * (or returns) the directory modes, deepest first.
 */
function finishTree(
  prepared: PreparedTree,
  parts: readonly WriteOpsResult[],
  threads: number,
  options: WriteTreeOptions,
): WriteTreeResult {
  let failure: WriteFailure | undefined;
  for (const part of parts) {
    if (part.failure !== undefined && (failure === undefined || part.failure.index < failure.index)) {
      failure = part.failure;
    }
  }
  if (failure !== undefined) throw failureError(failure);
  const stats = emptyWriteStats();
  stats.dirs = prepared.dirCount;
  const indexed: WriteOpsResult["warnings"] = [];
  for (const part of parts) {
    stats.linked += part.stats.linked;
    stats.copied += part.stats.copied;
    stats.copiedFallback += part.stats.copiedFallback;
    stats.symlinks += part.stats.symlinks;
    stats.specialSkipped += part.stats.specialSkipped;
    stats.bytesLinked += part.stats.bytesLinked;
    stats.bytesCopied += part.stats.bytesCopied;
    indexed.push(...part.warnings);
  }
  indexed.sort((a, b) => a.index - b.index);
  const warnings: CheckoutWarning[] = [];
  let crossDevice = false;
  for (const { warning } of indexed) {
    const exdev = warning.kind === "copied-instead-of-linked" && !warning.message.includes("(EMLINK)");
    if (exdev && crossDevice) continue;
    crossDevice ||= exdev;
    warnings.push(warning);
  }
  // Children before parents: a directory loses owner write/search only once everything below it exists.
  const pending = [...prepared.pending].reverse();
  if (options.applyDirModes ?? true) {
    applyDirModes(pending);
    return { stats, dirModes: [], warnings, threads };
  }
  return { stats, dirModes: pending, warnings, threads };
}

function failureError(failure: WriteFailure): Error {
  if (failure.kind === "missing-object") {
    const name = failure.object.slice(failure.object.lastIndexOf("/") + 1);
    return new GroveError(
      "CHECKOUT_MISSING_OBJECT",
      `cannot check out ${failure.plannedPath}: object ${name} is missing from the store`,
      { subject: name, hint: "run `grove fsck`; re-import the package to restore the object" },
    );
  }
  if (failure.error instanceof Error) return failure.error;
  // From the worker thread: rebuild the system error with its fields.
  const err: NodeJS.ErrnoException = new Error(failure.message);
  if (failure.code !== undefined) err.code = failure.code;
  if (failure.errno !== undefined) err.errno = failure.errno;
  if (failure.syscall !== undefined) err.syscall = failure.syscall;
  if (failure.path !== undefined) err.path = failure.path;
  return err;
}
