import { chmodSync, mkdirSync, renameSync, rmdirSync, symlinkSync, unlinkSync } from "node:fs";
import type { Entry } from "@grove/core";
import { isGhost, RPMFILE_CONFIG, RPMFILE_NOREPLACE } from "../plan/entry-checks.js";
import { isUnder, joinPath, parentOf } from "../plan/tree-path.js";
import type { DirMode } from "../types.js";
import { copyFileTo } from "../write/copy-file.js";
import { appliedDirMode } from "../write/dir-modes.js";
import { removeTree } from "../write/remove-tree.js";
import { type DiskState, diskMatches, entriesMatch, listDir, readDiskState } from "./disk-state.js";

/** Input of {@link mergeArea}. */
export interface AreaMergeInput {
  /** The writable area, e.g. `/etc` or `/var`. */
  area: string;
  /** The previous generation (its area holds the user's current files). */
  oldRoot: string;
  /** The new generation being built; its area holds copies of the new defaults (directories still writable). */
  newRoot: string;
  /** The old package set's entries in the area, by path (the old defaults). */
  oldDefaults: ReadonlyMap<string, Entry>;
  /** The new package set's entries in the area, by path (the new defaults). */
  newDefaults: ReadonlyMap<string, Entry>;
  /** Paths grove itself writes (e.g. `/var/lib/rpm`): left out of the merge, with everything below them. */
  ignore?: (path: string) => boolean;
}

/** What a three-way merge of a writable area did, path by path (package-namespace paths such as `/etc/x`). */
export interface AreaMergeReport {
  /** Files the user changed that are kept instead of the new defaults. */
  kept: string[];
  /** Files the user had not changed that now take a changed new default. */
  updated: string[];
  /** Non-config files the user changed and the packages changed too: the new version replaces the user's, as in rpm. */
  replaced: string[];
  /** Files the user added (no package ships them), carried over. */
  added: string[];
  /** Files gone: dropped from the package set and untouched, or deleted by the user and unchanged in the packages. */
  removed: string[];
  /** `%config(noreplace)` files the user changed whose new default was written beside them as `<path>.rpmnew`. */
  rpmnew: string[];
  /** Changed `%config` files replaced by the new default (or dropped), the user's version saved as `<path>.rpmsave`. */
  rpmsave: string[];
  /** Files the user created where a package now ships a `%config` file: saved as `<path>.rpmorig`. */
  rpmorig: string[];
  /** Paths that could not be carried over (device nodes, FIFOs, sockets; entries below something no longer a directory). */
  skipped: string[];
  /** Modes of directories carried over from the user's tree, deepest first (apply with the tree's other modes). */
  dirModes: DirMode[];
}

type Decision =
  | "keep-new"
  | "replace-user"
  | "keep-user"
  | "drop"
  | "rpmnew"
  | "rpmsave"
  | "rpmorig"
  | "remove-new"
  | "add-user"
  | "prune-dir";

/**
 * Three-way merge of a writable area (`/etc`, `/var`) on upgrade, with rpm's `%config` rules. Inputs:
 * the old defaults (old package set), the user's files (the old generation's area) and the new defaults
 * (the new package set, already copied into the new generation). For each path:
 * - the user did not change it (same content as the old default): it takes the new default, or goes
 *   when no package ships it any more;
 * - the user changed it and the packages did not (old default = new default): the user's version is kept;
 * - both changed: `%config(noreplace)` keeps the user's file and writes the new default as `.rpmnew`;
 *   plain `%config` installs the new default and saves the user's file as `.rpmsave` (`.rpmorig` when
 *   no package owned it before); a non-config file takes the new default (`.rpmsave` if it used to be
 *   `%config`), as rpm does;
 * - the user added it: it stays; a `%ghost` path keeps whatever the user has there;
 * - the user deleted it: it stays deleted while the packages do not change it (rpm only recreates
 *   files of packages it upgrades), and comes back when they do;
 * - a changed `%config` file dropped from the package set is saved as `.rpmsave`.
 * Content is compared as rpm does (type, sha256, symlink target; not modes). Files are copies, never links.
 * @param input - the area, both roots and both default sets
 */
export function mergeArea(input: AreaMergeInput): AreaMergeReport {
  const report: AreaMergeReport = {
    kept: [],
    updated: [],
    replaced: [],
    added: [],
    removed: [],
    rpmnew: [],
    rpmsave: [],
    rpmorig: [],
    skipped: [],
    dirModes: [],
  };
  const area = input.area;
  const oldArea = readDiskState(input.oldRoot + area);
  if (oldArea?.kind !== "dir") {
    // No user area to merge (missing, or replaced by something else): the new defaults stand as they are.
    if (oldArea !== undefined) report.skipped.push(area);
    return report;
  }
  const opened: DirMode[] = [];
  try {
    const userPaths = walk(input.oldRoot, area, opened);
    const originalModes = new Map(opened.map((d) => [d.path as string, d.mode]));
    return mergeInto(input, report, userPaths, originalModes);
  } finally {
    for (const d of opened.reverse()) chmodSync(d.path, d.mode);
  }
}

function mergeInto(
  input: AreaMergeInput,
  report: AreaMergeReport,
  userPaths: string[],
  originalModes: ReadonlyMap<string, number>,
): AreaMergeReport {
  const area = input.area;
  const ignore = input.ignore ?? (() => false);
  const all = new Set<string>(userPaths);
  for (const p of input.oldDefaults.keys()) if (p !== area && isUnder(p, area)) all.add(p);
  for (const p of input.newDefaults.keys()) if (p !== area && isUnder(p, area)) all.add(p);
  const ordered = [...all].filter((p) => !ignore(p)).sort();
  const pruneCandidates: string[] = [];
  const userDirModes: DirMode[] = [];
  // Everything is written only into directories known to be real in the new tree (the new defaults'
  // directories and parents, and directories carried over), never through a symlink; and the user's
  // side is read only at paths the walk found without following symlinks.
  const userSet = new Set(userPaths);
  const knownDirs = newTreeDirs(input, userDirModes);
  const carry = (u: DiskState, target: string, p: string): boolean => {
    const ok = carryTo(u, target, userDirModes);
    if (ok && u.kind === "dir") knownDirs.add(p);
    return ok;
  };

  for (const p of ordered) {
    const u = userSet.has(p) ? readDiskState(input.oldRoot + p) : undefined;
    if (u !== undefined) u.mode = originalModes.get(u.path) ?? u.mode;
    const o = defaultAt(input.oldDefaults, p);
    const nRaw = input.newDefaults.get(p);
    const n = nRaw !== undefined && !isGhost(nRaw) ? nRaw : undefined;
    const decision = decide(u, o, n, nRaw !== undefined && isGhost(nRaw));
    const target = input.newRoot + p;
    if (decision === undefined) continue;
    if (decision !== "prune-dir" && decision !== "remove-new" && decision !== "drop" && !knownDirs.has(parentOf(p))) {
      if (u !== undefined) report.skipped.push(p);
      continue;
    }
    switch (decision) {
      case "keep-new":
        if (o !== undefined && n !== undefined && u !== undefined && !entriesMatch(o, n)) report.updated.push(p);
        break;
      case "replace-user":
        report.replaced.push(p);
        break;
      case "keep-user":
        removeTree(target);
        if (carry(u!, target, p)) report.kept.push(p);
        else report.skipped.push(p);
        break;
      case "add-user":
        if (exists(target)) {
          // A directory the packages imply (a parent of their files): its contents are merged path by path.
          // Otherwise e.g. an old `x.rpmsave` where this merge just wrote a fresh one: the fresh one wins, as in rpm.
          if (!(u!.kind === "dir" && readDiskState(target)?.kind === "dir")) report.skipped.push(p);
          break;
        }
        if (u!.kind === "dir" && o?.type === "dir") pruneCandidates.push(p);
        if (carry(u!, target, p)) {
          if (o === undefined) report.added.push(p);
        } else report.skipped.push(p);
        break;
      case "drop":
        report.removed.push(p);
        break;
      case "remove-new":
        if (n!.type === "dir") pruneCandidates.push(p);
        else {
          unlinkSync(target);
          report.removed.push(p);
        }
        break;
      case "prune-dir":
        if (carry(u!, target, p)) pruneCandidates.push(p);
        break;
      case "rpmnew":
        renameSync(target, `${target}.rpmnew`);
        if (carry(u!, target, p)) report.rpmnew.push(p);
        else report.skipped.push(p);
        break;
      case "rpmsave":
      case "rpmorig":
        if (carry(u!, `${target}.${decision}`, `${p}.${decision}`)) report[decision].push(p);
        else report.skipped.push(p);
        break;
    }
  }
  for (const p of pruneCandidates.reverse()) {
    try {
      rmdirSync(input.newRoot + p);
      report.removed.push(p);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOENT") throw err;
    }
  }
  report.dirModes = userDirModes.reverse().filter((d) => typeof d.path === "string" && exists(d.path));
  return report;
}

/** The decision for one path; `undefined`: nothing to do (the new tree is already right). */
function decide(
  u: DiskState | undefined,
  o: Entry | undefined,
  n: Entry | undefined,
  newIsGhost: boolean,
): Decision | undefined {
  if (newIsGhost) return u === undefined ? undefined : "add-user";
  if (n === undefined) {
    if (u === undefined) return undefined;
    if (o === undefined) return "add-user";
    if (u.kind === "dir") return o.type === "dir" ? "prune-dir" : "add-user";
    if (diskMatches(u, o)) return "drop";
    return isConfig(o) && u.kind !== "other" ? "rpmsave" : "drop";
  }
  if (u === undefined) {
    if (o !== undefined && entriesMatch(o, n)) return "remove-new";
    return undefined;
  }
  if (u.kind === "dir" && n.type === "dir") return undefined;
  if (diskMatches(u, n)) return undefined;
  if (o !== undefined && diskMatches(u, o)) return "keep-new";
  if (u.kind === "dir") return "rpmnew";
  if (n.type === "dir") return u.kind === "other" ? undefined : "rpmsave";
  if (o !== undefined && entriesMatch(o, n)) return "keep-user";
  if (isConfig(n)) {
    if ((n.flags ?? 0) & RPMFILE_NOREPLACE) return "rpmnew";
    return o === undefined ? "rpmorig" : "rpmsave";
  }
  return o !== undefined && isConfig(o) ? "rpmsave" : "replace-user";
}

function isConfig(entry: Entry): boolean {
  return ((entry.flags ?? 0) & RPMFILE_CONFIG) !== 0;
}

function defaultAt(defaults: ReadonlyMap<string, Entry>, p: string): Entry | undefined {
  const e = defaults.get(p);
  return e === undefined || isGhost(e) ? undefined : e;
}

/**
 * The directories of the area that are real in the new tree: the new defaults' directories and every
 * parent of a new default. When the packages ship nothing there, the area itself is created (with
 * the user's mode) so that the user's files can be carried over.
 */
function newTreeDirs(input: AreaMergeInput, dirModes: DirMode[]): Set<string> {
  const known = new Set<string>([parentOf(input.area)]);
  const area = readDiskState(input.newRoot + input.area);
  if (area === undefined) {
    const old = readDiskState(input.oldRoot + input.area)!;
    carryTo(old, input.newRoot + input.area, dirModes);
  } else if (area.kind !== "dir") {
    return known; // nothing can be written
  }
  known.add(input.area);
  for (const [p, e] of input.newDefaults) {
    if (!isUnder(p, input.area) || isGhost(e)) continue;
    if (e.type === "dir") known.add(p);
    for (let d = parentOf(p); d !== input.area && isUnder(d, input.area); d = parentOf(d)) known.add(d);
  }
  return known;
}

/** Copies what the user has at `u` to `target` (a new path); false for what cannot be copied (special files). */
function carryTo(u: DiskState, target: string, dirModes: DirMode[]): boolean {
  switch (u.kind) {
    case "file":
      copyFileTo(u.path, target, u.mode, Math.floor(u.mtime));
      return true;
    case "symlink":
      symlinkSync(u.target!, target);
      return true;
    case "dir":
      mkdirSync(target, (appliedDirMode(u.mode) | 0o700) & 0o777);
      dirModes.push({ path: target, mode: appliedDirMode(u.mode) });
      return true;
    default:
      return false;
  }
}

function exists(file: string): boolean {
  return readDiskState(file) !== undefined;
}

/** Every path below `area` in `root` (package-namespace paths), not following symlinks. */
function walk(root: string, area: string, opened: DirMode[]): string[] {
  const out: string[] = [];
  const visit = (dir: string, state: DiskState) => {
    if ((state.mode & 0o500) !== 0o500) {
      // A directory its owner cannot list or enter (e.g. 0700 is fine, 0000 is not): open it for the merge.
      chmodSync(root + dir, state.mode | 0o500);
      opened.push({ path: root + dir, mode: state.mode });
    }
    for (const name of listDir(root + dir)) {
      const p = joinPath(dir, name);
      out.push(p);
      const st = readDiskState(root + p);
      if (st?.kind === "dir") visit(p, st);
    }
  };
  const top = readDiskState(root + area);
  if (top?.kind === "dir") visit(area, top);
  return out;
}
