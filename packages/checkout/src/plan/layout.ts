import type { PlannedEntry } from "../types.js";
import type { CheckoutPlan } from "./build-plan.js";
import { fileConflictError } from "./build-plan.js";
import { compareEntries } from "./compare-entries.js";
import { isGhost } from "./entry-checks.js";
import { isUnder, parentOf, rebase } from "./tree-path.js";

/** Package paths below `from` are written below `to` instead (e.g. `/etc` -> `/usr/etc`). */
export interface Relocation {
  /** Prefix in the packages' namespace, e.g. `/etc`. */
  from: string;
  /** Prefix they are written to in the root, e.g. `/usr/etc`. */
  to: string;
}

/** How a tree is laid out on disk: which package paths move, which are private copies. */
export interface LayoutRules {
  /** Prefixes whose package paths are written elsewhere (as links), e.g. `/etc` -> `/usr/etc`. */
  relocations: readonly Relocation[];
  /**
   * Prefixes whose package files are (also) written at their own path as private copies, never as
   * links into the store: the writable parts of a root (`/etc`, `/var`).
   */
  copies: readonly string[];
}

/** The container shape: package `/etc` in `/usr/etc` (links), a writable `/etc` and `/var` of copies. */
export const CONTAINER_LAYOUT: LayoutRules = {
  relocations: [{ from: "/etc", to: "/usr/etc" }],
  copies: ["/etc", "/var"],
};

/** A plain tree: every package path as itself, every file a link. */
export const PLAIN_LAYOUT: LayoutRules = { relocations: [], copies: [] };

/** One non-directory thing to create on disk. */
export interface Placement {
  /** Absolute path inside the root. */
  path: string;
  /** The planned entry it comes from. */
  planned: PlannedEntry;
  /** Write a private copy instead of a hard link (files only). */
  copy: boolean;
}

/** One directory to create, parents before children. */
export interface DirPlacement {
  /** Absolute path inside the root (`/` is the root itself). */
  path: string;
  /** Final mode (`& 0o7777`); 0o755 for directories no package ships. */
  mode: number;
  /** The package entry, absent for implied parents. */
  planned?: PlannedEntry;
  /** The path is written as ISO-8859-1 bytes (see {@link PlannedEntry.latin1Path}). */
  latin1?: boolean;
}

/** Everything to create, in order. */
export interface TreeLayout {
  /** Directories, every parent before its children. */
  dirs: DirPlacement[];
  /** Files, hard links, symlinks and special files, after all directories exist. */
  nodes: Placement[];
}

/** Mode rpm gives directories it creates without a package entry (`%_dirperms`... rpm's default 0755). */
const IMPLIED_DIR_MODE = 0o755;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Turns a plan into what to write: applies the relocations and copy areas, and computes the full
 * directory set (implied parents included) in creation order. Throws `CHECKOUT_FILE_CONFLICT` when a
 * path lies below another package's non-directory, or when a relocated path meets a path a package
 * ships at the destination with other content.
 * @param plan - the merged plan
 * @param rules - relocations and copy areas
 * @param labels - package labels by plan owner index, for messages
 */
export function layoutTree(plan: CheckoutPlan, rules: LayoutRules, labels: readonly string[]): TreeLayout {
  const byPath = new Map<string, { planned: PlannedEntry; copy: boolean }>();
  const conflicts: string[] = [];
  const place = (path: string, planned: PlannedEntry, copy: boolean) => {
    const existing = byPath.get(path);
    if (existing === undefined) {
      byPath.set(path, { planned, copy });
      return;
    }
    const relation = compareEntries(existing.planned.entry, planned.entry);
    if (relation.kind === "identical" || (relation.kind === "dir-metadata" && planned.entry.type === "dir")) return;
    conflicts.push(
      `${path} conflicts between ${labels[existing.planned.owner]} (${existing.planned.path}) and ${labels[planned.owner]} (${planned.path}) once /etc is moved: ${relation.kind === "conflict" ? relation.what : "a directory and a symlink"}`,
    );
  };
  for (const planned of plan.entries.values()) {
    if (isGhost(planned.entry)) continue;
    const p = planned.path;
    let moved: Relocation | undefined;
    for (const r of rules.relocations) {
      if (isUnder(p, r.from)) {
        moved = r;
        break;
      }
    }
    let copied = false;
    for (const c of rules.copies) copied ||= isUnder(p, c);
    if (moved !== undefined) {
      place(rebase(p, moved.from, moved.to), planned, false);
      if (copied) place(p, planned, true);
    } else {
      place(p, planned, copied);
    }
  }
  if (conflicts.length > 0) throw fileConflictError(conflicts);

  const dirs: DirPlacement[] = [];
  const dirIndex = new Map<string, number>();
  const nodes: Placement[] = [];
  const ensureDir = (path: string, planned: PlannedEntry | undefined, latin1: boolean): void => {
    const at = dirIndex.get(path);
    if (at !== undefined) {
      if (planned !== undefined && dirs[at]!.planned === undefined) {
        dirs[at] = { path, mode: planned.entry.mode, planned, ...(dirs[at]!.latin1 ? { latin1: true } : {}) };
      }
      return;
    }
    const existing = byPath.get(path);
    if (existing !== undefined && existing.planned.entry.type !== "dir") {
      conflicts.push(
        `${path} is a ${existing.planned.entry.type} in ${labels[existing.planned.owner]}, but other paths lie below it`,
      );
      return;
    }
    const own = planned ?? existing?.planned;
    const bytes = own?.latin1Path ?? latin1;
    if (path !== "/") ensureDir(parentOf(path), undefined, bytes);
    dirIndex.set(path, dirs.length);
    dirs.push({
      path,
      mode: own?.entry.mode ?? IMPLIED_DIR_MODE,
      ...(own === undefined ? {} : { planned: own }),
      ...(bytes && NON_ASCII.test(path) ? { latin1: true } : {}),
    });
  };
  ensureDir("/", undefined, false);
  for (const [path, { planned, copy }] of byPath) {
    if (planned.entry.type === "dir") ensureDir(path, planned, planned.latin1Path ?? false);
    else {
      ensureDir(parentOf(path), undefined, planned.latin1Path ?? false);
      nodes.push({ path, planned, copy });
    }
  }
  if (conflicts.length > 0) throw fileConflictError(conflicts);
  return { dirs, nodes };
}
