import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { formatPerm, GroveError } from "@grove/core/store";
import { fsPath } from "../plan/latin1-names.js";
import type { TreeLayout } from "../plan/layout.js";
import type { CheckoutWarning, DirMode } from "../types.js";
import { appliedDirMode, applyDirModes } from "./dir-modes.js";
import { splitLayout } from "./split-layout.js";
import { runOnWriterThread } from "./tree-writer-thread.js";
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
  /** Threads that wrote the tree: 1, or 2 for {@link writeTreeParallel} on a tree large enough. */
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
   * {@link writeTreeParallel} only: the estimated cost (about one per hard link, see `splitLayout`) each
   * half must reach for a second thread to be used (default 1,000); smaller trees are written serially.
   */
  parallelMinCost?: number;
}

const PERM_SUFFIX: string[] = Array.from({ length: 0o1000 }, (_, perm) => `.${formatPerm(perm)}`);

/** Below this estimated cost per half a second thread does not pay for itself (about 1,000 hard links). */
const PARALLEL_MIN_COST = 1000;

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
  return writeSerially(prepareTree(layout, options), options);
}

/**
 * {@link writeTree} on two threads: the layout is split into two halves of whole subtrees of about
 * equal cost ({@link splitLayout}); a worker thread (started early by `prestartTreeWriter` when the
 * caller knows a checkout is coming) writes one while this thread writes the other. Same tree, stats,
 * warnings (in the serial order), directory modes and errors as {@link writeTree}; a small tree is
 * written serially.
 * @param layout - directories and nodes in creation order
 * @param options - store, destination, copy and mode options
 */
export async function writeTreeParallel(layout: TreeLayout, options: WriteTreeOptions): Promise<WriteTreeResult> {
  const prepared = prepareTree(layout, options);
  const split = splitLayout(layout, prepared.ctx.copyAll);
  const [mine, theirs] = split.halves;
  if (Math.min(mine.cost, theirs.cost) < (options.parallelMinCost ?? PARALLEL_MIN_COST)) {
    return writeSerially(prepared, options);
  }
  const spine = runWriteOps(dirOps(prepared, split.spine.slice(1)), [], prepared.ctx);
  if (spine.failure !== undefined) throw failureError(spine.failure);
  const remote = runOnWriterThread({
    dirs: dirOps(prepared, theirs.dirs),
    nodes: nodeOps(prepared, theirs.nodes),
    ctx: prepared.ctx,
  }).catch(
    (err: unknown): WriteOpsResult => ({
      stats: emptyWriteStats(),
      warnings: [],
      failure: {
        kind: "error",
        index: -1,
        message: `the tree writer thread failed: ${(err as Error)?.message ?? String(err)}`,
        error: new GroveError(
          "CHECKOUT_WRITER_FAILED",
          `cannot check out into ${prepared.ctx.dest}: the tree writer thread failed: ${(err as Error)?.message ?? String(err)}`,
          { subject: prepared.ctx.dest, cause: err },
        ),
      },
    }),
  );
  const local = runWriteOps(dirOps(prepared, mine.dirs), nodeOps(prepared, mine.nodes), prepared.ctx);
  return finishTree(prepared, [local, await remote], options);
}

/** Writes every directory and node of a prepared tree on this thread. */
function writeSerially(prepared: PreparedTree, options: WriteTreeOptions): WriteTreeResult {
  const { layout } = prepared;
  const result = runWriteOps(
    dirOps(prepared, layout.dirs.map((_, i) => i).slice(1)),
    nodeOps(
      prepared,
      layout.nodes.map((_, i) => i),
    ),
    prepared.ctx,
  );
  return finishTree(prepared, [result], options);
}

/** A tree whose root exists, with what every part of the write needs. */
interface PreparedTree {
  layout: TreeLayout;
  objectsDir: string;
  ctx: WriteOpsContext;
  /** Directory modes to apply afterwards, in layout order (parents first). */
  pending: DirMode[];
  /** Mode each directory is created with, by layout index. */
  created: Int32Array;
}

/** Creates the root (and its missing parents), learns the umask and computes the directory modes. */
function prepareTree(layout: TreeLayout, options: WriteTreeOptions): PreparedTree {
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
  const created = new Int32Array(layout.dirs.length);
  layout.dirs.forEach((dir, i) => {
    const final = appliedDirMode(dir.mode);
    created[i] = (final | 0o700) & 0o777;
    const effective = dir.path === "/" ? -1 : created[i]! & ~umask;
    if (effective !== final) {
      pending.push({ path: dir.path === "/" ? dest : dirTarget(dest, dir.path, dir.latin1), mode: final });
    }
  });
  const pool = (options.sharedSymlinks ?? true) && !copyAll ? `${options.storeDir}/cache/symlinks` : undefined;
  return {
    layout,
    objectsDir: `${options.storeDir}/objects/`,
    ctx: { dest, copyAll, symlinkPoolDir: pool },
    pending,
    created,
  };
}

function dirTarget(dest: string, p: string, latin1: boolean | undefined): string | Buffer {
  return latin1 ? fsPath(dest, p, true) : dest + p;
}

function dirOps(prepared: PreparedTree, indices: readonly number[]): DirOp[] {
  const { layout, ctx, created } = prepared;
  return indices.map((i) => {
    const dir = layout.dirs[i]!;
    return { target: dirTarget(ctx.dest, dir.path, dir.latin1), created: created[i]! };
  });
}

function nodeOps(prepared: PreparedTree, indices: readonly number[]): NodeOp[] {
  const { layout, ctx, objectsDir } = prepared;
  return indices.map((index) => {
    const node = layout.nodes[index]!;
    const entry = node.planned.entry;
    const target = node.planned.latin1Path ? fsPath(ctx.dest, node.path, true) : ctx.dest + node.path;
    const base = { index, target, path: node.path, plannedPath: node.planned.path, type: entry.type };
    switch (entry.type) {
      case "file":
      case "hardlink":
        return {
          ...base,
          kind: "file",
          object: `${objectsDir}${entry.object!.slice(0, 2)}/${entry.object}${PERM_SUFFIX[entry.mode & 0o777]}`,
          mode: entry.mode,
          size: entry.size ?? 0,
          copy: node.copy,
        };
      case "symlink":
        return {
          ...base,
          kind: "symlink",
          linkTo: node.planned.latin1Target ? Buffer.from(entry.linkTo!, "latin1") : entry.linkTo!,
        };
      default:
        return { ...base, kind: "special" };
    }
  });
}

function emptyWriteStats(): WriteStats {
  return { dirs: 0, ...emptyNodeStats() };
}

/**
 * Merges the parts' results as one serial write would have produced them: summed counters,
 * warnings in node order (one EXDEV warning), the first failure in node order thrown; then applies
 * (or returns) the directory modes, deepest first.
 */
function finishTree(
  prepared: PreparedTree,
  parts: readonly WriteOpsResult[],
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
  stats.dirs = prepared.layout.dirs.length;
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
    return { stats, dirModes: [], warnings, threads: parts.length };
  }
  return { stats, dirModes: pending, warnings, threads: parts.length };
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
