import { existsSync, linkSync, mkdirSync, symlinkSync } from "node:fs";
import { SymlinkPool } from "../store/symlink-pool.js";
import type { CheckoutWarning } from "../types.js";
import { copyFileTo } from "./copy-file.js";
import { fsPath } from "./fs-path.js";

/**
 * One directory to create: its path in the root and the mode `mkdir` gets (owner-writable while building).
 * Plain JSON data, independent of where the root is: a worker thread can write it, and a cached
 * checkout recipe keeps it (see `checkout-recipe.ts`).
 */
export interface DirOp {
  /** Path inside the root, starting with `/`. */
  path: string;
  /** The path is written as ISO-8859-1 bytes (see `fsPath`). */
  latin1?: boolean;
  /** Mode passed to `mkdir`. */
  created: number;
}

/** One non-directory node to create, resolved to plain JSON data (see {@link DirOp}). */
export interface NodeOp {
  /** Position in the layout's node list: orders warnings and errors as a serial write would. */
  index: number;
  /** What to create. */
  kind: "file" | "symlink" | "special";
  /** Path inside the root, starting with `/`. */
  path: string;
  /** The path is written as ISO-8859-1 bytes. */
  latin1?: boolean;
  /** The planned entry's path in the packages' namespace, when not `path` (for messages). */
  plannedPath?: string;
  /** Special files: the entry type (for the message). */
  type?: string;
  /** Files: the store object to link or copy, relative to `objects/` (`ab/ab…cd.0644`). */
  object?: string;
  /** Files: the entry's mode (the copy gets its permission bits). */
  mode?: number;
  /** Files: size in bytes. */
  size?: number;
  /** Files: write a private copy (copy area). */
  copy?: boolean;
  /** Symlinks: the link text. */
  linkTo?: string;
  /** Symlinks: the link text is written as ISO-8859-1 bytes. */
  latin1Target?: boolean;
}

/** Node counters of one part of a tree write (directories are counted by {@link WriteStats}). */
export interface NodeStats {
  /** Files hard-linked to their store object. */
  linked: number;
  /** Files written as private copies because they lie in a copy area (`/etc`, `/var`). */
  copied: number;
  /** Files copied because hard-linking failed (EXDEV, EMLINK) or copying was asked for. */
  copiedFallback: number;
  /** Symlinks created. */
  symlinks: number;
  /** Device nodes, FIFOs and sockets not created (listed in the manifest). */
  specialSkipped: number;
  /** Bytes of linked files (no new disk space). */
  bytesLinked: number;
  /** Bytes of copied files (new disk space). */
  bytesCopied: number;
}

/** Node counters at zero. */
export function emptyNodeStats(): NodeStats {
  return { linked: 0, copied: 0, copiedFallback: 0, symlinks: 0, specialSkipped: 0, bytesLinked: 0, bytesCopied: 0 };
}

/** Why a part of a write stopped, as plain data (turned into an error by the caller's thread). */
export type WriteFailure =
  | { kind: "missing-object"; index: number; object: string; plannedPath: string }
  | {
      kind: "error";
      index: number;
      message: string;
      code?: string;
      errno?: number;
      syscall?: string;
      path?: string;
      /** The error itself (on the thread that caught it; dropped before a worker posts its result). */
      error?: unknown;
    };

/** What {@link runWriteOps} did. */
export interface WriteOpsResult {
  /** Counters. */
  stats: NodeStats;
  /** Warnings, each with its node's index. */
  warnings: { index: number; warning: CheckoutWarning }[];
  /** The first failure; the ops after it were not written. */
  failure?: WriteFailure;
}

/** Everything one part of a tree write needs besides its ops. */
export interface WriteOpsContext {
  /** The root, absolute: every op's path is below it. */
  dest: string;
  /** The store's `objects/` directory, with a trailing slash. */
  objectsDir: string;
  /** Copy every file instead of linking. */
  copyAll: boolean;
  /** Directory of the shared symlink pool, or undefined to create symlinks directly. */
  symlinkPoolDir?: string | undefined;
}

/**
 * Creates directories (in order: parents first), then nodes: files as hard links to their objects
 * (copies in copy areas, with `copyAll`, or after EXDEV/EMLINK), symlinks (through the shared pool when
 * given), and skips special files. Uses only `node:fs`, so it runs on the main thread or in a worker.
 * Stops at the first failure and reports it as data.
 * @param dirs - directories to create
 * @param nodes - nodes to create, after the directories
 * @param ctx - root, copy mode, symlink pool
 */
export function runWriteOps(dirs: readonly DirOp[], nodes: readonly NodeOp[], ctx: WriteOpsContext): WriteOpsResult {
  const stats = emptyNodeStats();
  const warnings: WriteOpsResult["warnings"] = [];
  let copyAll = ctx.copyAll;
  const pool = ctx.symlinkPoolDir === undefined ? undefined : new SymlinkPool(ctx.symlinkPoolDir);
  const fail = (index: number, err: unknown): WriteOpsResult => ({ stats, warnings, failure: toFailure(index, err) });
  let i = -1;
  try {
    for (const d of dirs) mkdirSync(fsPath(ctx.dest, d.path, d.latin1), d.created);
  } catch (err) {
    return fail(-1, err);
  }
  for (const node of nodes) {
    i = node.index;
    try {
      const target = fsPath(ctx.dest, node.path, node.latin1);
      switch (node.kind) {
        case "file": {
          const object = ctx.objectsDir + node.object!;
          const size = node.size ?? 0;
          if (node.copy || copyAll) {
            if (!copyObject(object, target, node)) return missing(stats, warnings, node, object);
            if (node.copy) stats.copied++;
            else stats.copiedFallback++;
            stats.bytesCopied += size;
            break;
          }
          try {
            linkSync(object, target);
            stats.linked++;
            stats.bytesLinked += size;
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code === "EXDEV" || code === "EMLINK") {
              if (code === "EXDEV") copyAll = true;
              warnings.push({
                index: i,
                warning: {
                  kind: "copied-instead-of-linked",
                  path: node.path,
                  message:
                    code === "EXDEV"
                      ? `the root ${ctx.dest} is on another file system than the store: files are copied, not hard-linked (from ${node.path} on)`
                      : `object of ${node.path} has too many hard links (EMLINK): copied`,
                },
              });
              if (!copyObject(object, target, node)) return missing(stats, warnings, node, object);
              stats.copiedFallback++;
              stats.bytesCopied += size;
            } else if (code === "ENOENT" && !existsSync(object)) {
              return missing(stats, warnings, node, object);
            } else {
              throw err;
            }
          }
          break;
        }
        case "symlink": {
          const linkTo = node.latin1Target ? Buffer.from(node.linkTo!, "latin1") : node.linkTo!;
          if (pool === undefined) symlinkSync(linkTo, target);
          else pool.create(linkTo, target);
          stats.symlinks++;
          break;
        }
        default:
          stats.specialSkipped++;
          warnings.push({
            index: i,
            warning: {
              kind: "special-file-skipped",
              path: node.path,
              message: `${node.path} is a ${node.type}, which cannot be created without privileges: skipped, listed in the manifest`,
            },
          });
      }
    } catch (err) {
      return fail(i, err);
    }
  }
  return { stats, warnings };
}

/** Copies a node's object to its target; false when the object is missing. */
function copyObject(object: string, target: string | Buffer, node: NodeOp): boolean {
  try {
    copyFileTo(object, target, node.mode ?? 0o644);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && !existsSync(object)) return false;
    throw err;
  }
}

function missing(stats: NodeStats, warnings: WriteOpsResult["warnings"], node: NodeOp, object: string): WriteOpsResult {
  return {
    stats,
    warnings,
    failure: { kind: "missing-object", index: node.index, object, plannedPath: node.plannedPath ?? node.path },
  };
}

/** A thrown error as a {@link WriteFailure} at node `index` (-1: not a node's). */
export function toFailure(index: number, err: unknown): WriteFailure {
  const e = err as NodeJS.ErrnoException;
  return {
    kind: "error",
    index,
    error: err,
    message: e instanceof Error ? e.message : String(err),
    ...(e?.code === undefined ? {} : { code: e.code }),
    ...(e?.errno === undefined ? {} : { errno: e.errno }),
    ...(e?.syscall === undefined ? {} : { syscall: e.syscall }),
    ...(e?.path === undefined ? {} : { path: e.path }),
  };
}
