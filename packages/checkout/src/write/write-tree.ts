import { existsSync, linkSync, mkdirSync, statSync, symlinkSync } from "node:fs";
import path from "node:path";
import { formatPerm, GroveError } from "@grove/core";
import { fsPath } from "../plan/latin1-names.js";
import type { Placement, TreeLayout } from "../plan/layout.js";
import type { CheckoutWarning, DirMode } from "../types.js";
import { copyFileTo } from "./copy-file.js";
import { appliedDirMode, applyDirModes } from "./dir-modes.js";

/** Counters of one tree write. */
export interface WriteStats {
  /** Directories created (the root included). */
  dirs: number;
  /** Files hard-linked to their store object. */
  linked: number;
  /** Files written as private copies because they lie in a copy area (`/etc`, `/var`). */
  copied: number;
  /** Files copied because hard-linking failed (EXDEV, EMLINK). */
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

/** Result of {@link writeTree}. */
export interface WriteTreeResult {
  /** Counters. */
  stats: WriteStats;
  /** Directory modes still to apply, deepest first (empty when applied). */
  dirModes: DirMode[];
  /** Decisions worth telling (copies instead of links, skipped special files). */
  warnings: CheckoutWarning[];
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
}

const PERM_SUFFIX: string[] = Array.from({ length: 0o1000 }, (_, perm) => `.${formatPerm(perm)}`);

/**
 * Writes a laid-out tree with synchronous calls in one tight loop (no per-file promises): all
 * directories (owner-writable while building), then every file as a hard link to its store object
 * (a copy in copy areas, or when `link` fails with EXDEV/EMLINK), symlinks, and finally directory
 * modes, deepest first. Device nodes, FIFOs and sockets are skipped (they need privileges).
 * Throws `CHECKOUT_DEST_EXISTS` when `dest` exists, `CHECKOUT_MISSING_OBJECT` when the store lacks an object.
 * @param layout - directories and nodes in creation order
 * Missing parents of `dest` are created.
 * @param options - store, destination, copy and mode options
 */
export function writeTree(layout: TreeLayout, options: WriteTreeOptions): WriteTreeResult {
  const dest = options.dest;
  const objectsDir = `${options.storeDir}/objects/`;
  const stats: WriteStats = {
    dirs: 0,
    linked: 0,
    copied: 0,
    copiedFallback: 0,
    symlinks: 0,
    specialSkipped: 0,
    bytesLinked: 0,
    bytesCopied: 0,
  };
  const warnings: CheckoutWarning[] = [];
  let copyAll = options.copyAll ?? false;

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
  for (const dir of layout.dirs) {
    const final = appliedDirMode(dir.mode);
    const created = (final | 0o700) & 0o777;
    if (dir.path !== "/") mkdirSync(dir.latin1 ? fsPath(dest, dir.path, true) : dest + dir.path, created);
    stats.dirs++;
    const effective = dir.path === "/" ? -1 : created & ~umask;
    if (effective !== final) {
      pending.push({
        path: dir.path === "/" ? dest : dir.latin1 ? fsPath(dest, dir.path, true) : dest + dir.path,
        mode: final,
      });
    }
  }

  for (const node of layout.nodes) {
    const entry = node.planned.entry;
    const target = node.planned.latin1Path ? fsPath(dest, node.path, true) : dest + node.path;
    switch (entry.type) {
      case "file":
      case "hardlink": {
        const object = `${objectsDir}${entry.object!.slice(0, 2)}/${entry.object}${PERM_SUFFIX[entry.mode & 0o777]}`;
        const size = entry.size ?? 0;
        if (node.copy || copyAll) {
          copyObject(object, target, entry.mode, node);
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
              kind: "copied-instead-of-linked",
              path: node.path,
              message:
                code === "EXDEV"
                  ? `the root ${dest} is on another file system than the store: files are copied, not hard-linked (from ${node.path} on)`
                  : `object of ${node.path} has too many hard links (EMLINK): copied`,
            });
            copyObject(object, target, entry.mode, node);
            stats.copiedFallback++;
            stats.bytesCopied += size;
          } else if (code === "ENOENT" && !existsSync(object)) {
            throw missingObject(object, node);
          } else {
            throw err;
          }
        }
        break;
      }
      case "symlink":
        symlinkSync(node.planned.latin1Target ? Buffer.from(entry.linkTo!, "latin1") : entry.linkTo!, target);
        stats.symlinks++;
        break;
      default:
        stats.specialSkipped++;
        warnings.push({
          kind: "special-file-skipped",
          path: node.path,
          message: `${node.path} is a ${entry.type}, which cannot be created without privileges: skipped, listed in the manifest`,
        });
    }
  }
  // Children before parents: a directory loses owner write/search only once everything below it exists.
  pending.reverse();
  if (options.applyDirModes ?? true) {
    applyDirModes(pending);
    return { stats, dirModes: [], warnings };
  }
  return { stats, dirModes: pending, warnings };
}

function copyObject(object: string, target: string | Buffer, mode: number, node: Placement): void {
  try {
    copyFileTo(object, target, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && !existsSync(object)) throw missingObject(object, node);
    throw err;
  }
}

function missingObject(object: string, node: Placement): GroveError {
  const name = object.slice(object.lastIndexOf("/") + 1);
  return new GroveError(
    "CHECKOUT_MISSING_OBJECT",
    `cannot check out ${node.planned.path}: object ${name} is missing from the store`,
    { subject: name, hint: "run `grove fsck`; re-import the package to restore the object" },
  );
}
