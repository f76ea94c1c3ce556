import type { TreeLayout } from "../plan/layout.js";
import { parentOf } from "../plan/tree-path.js";

/** Relative cost of creating a directory (a new inode), against 1 for a hard link. */
const DIR_COST = 6;
/** Relative cost of a private copy (a new inode plus the data). */
const COPY_COST = 8;
/** Relative cost of a symlink (usually a hard link to a pooled one). */
const SYMLINK_COST = 2;
/** A layout split into parts of whole subtrees, which writer threads take one at a time. */
export interface LayoutSplit {
  /** Directories every part writes below (the root's ancestors of split subtrees), in layout order; index 0 is `/`. */
  spine: number[];
  /** The parts, heaviest first: their directories (layout order) and nodes (layout order), as layout indices. */
  parts: LayoutPart[];
  /** Estimated cost of the whole tree. */
  total: number;
}

/** One part of a {@link LayoutSplit}. */
export interface LayoutPart {
  /** Indices into `layout.dirs`. */
  dirs: number[];
  /** Indices into `layout.nodes`. */
  nodes: number[];
  /** Estimated cost. */
  cost: number;
}

/**
 * Splits a layout into `count` parts of about equal cost for writer threads that each take the next part not yet
 * taken: whole subtrees, so each part creates its own directories (parents before children) and everything inside
 * them. Subtrees heavier than half a part are opened up (the directory joins the spine, which is created before
 * any part starts; its direct entries form one unit); units are then dealt out heaviest first to the lightest part,
 * and the parts come heaviest first (the threads take them in that order).
 * @param layout - the tree to write
 * @param copyAll - every file is copied (changes the cost estimate)
 * @param count - how many parts (at least 1), or a function of the tree's total estimated cost that says how many
 */
export function splitLayout(
  layout: TreeLayout,
  copyAll: boolean,
  count: number | ((total: number) => number) = 2,
): LayoutSplit {
  const dirs = layout.dirs;
  const index = new Map<string, number>();
  for (let i = 0; i < dirs.length; i++) index.set(dirs[i]!.path, i);
  const parent = new Int32Array(dirs.length).fill(-1);
  const children: number[][] = dirs.map(() => []);
  for (let i = 1; i < dirs.length; i++) {
    const p = index.get(parentOf(dirs[i]!.path)) ?? 0;
    parent[i] = p;
    children[p]!.push(i);
  }
  const own = new Float64Array(dirs.length).fill(DIR_COST);
  const nodeDir = new Int32Array(layout.nodes.length);
  const directNodes: number[][] = dirs.map(() => []);
  layout.nodes.forEach((node, n) => {
    const d = index.get(parentOf(node.path)) ?? 0;
    nodeDir[n] = d;
    directNodes[d]!.push(n);
    const type = node.planned.entry.type;
    own[d]! +=
      type === "symlink"
        ? SYMLINK_COST
        : type === "file" || type === "hardlink"
          ? node.copy || copyAll
            ? COPY_COST
            : 1
          : 0;
  });
  // Subtree costs, children after parents in layout order: accumulate backwards.
  const subtree = Float64Array.from(own);
  for (let i = dirs.length - 1; i > 0; i--) subtree[parent[i]!]! += subtree[i]!;
  const total = subtree[0] ?? 0;

  // Units: a whole subtree (dir index), or the direct nodes of a spine dir (-1 - dir index).
  const inSpine = new Uint8Array(dirs.length);
  const spine: number[] = [];
  let units: number[] = [0];
  const cost = (u: number) => (u >= 0 ? subtree[u]! : own[-1 - u]! - DIR_COST);
  const parts = Math.max(1, Math.floor(typeof count === "number" ? count : count(total)));
  for (let round = 0; round < 64 * parts; round++) {
    let heaviest = -1;
    for (const u of units) if (u >= 0 && (heaviest === -1 || cost(u) > cost(heaviest))) heaviest = u;
    if (heaviest === -1 || cost(heaviest) <= total / (2 * parts) + DIR_COST) break;
    inSpine[heaviest] = 1;
    spine.push(heaviest);
    units = units.filter((u) => u !== heaviest);
    units.push(-1 - heaviest, ...children[heaviest]!);
  }
  units.sort((a, b) => cost(b) - cost(a));
  const side = new Int32Array(dirs.length).fill(-1);
  const costs = new Float64Array(parts);
  const directSide = new Int32Array(dirs.length).fill(0);
  for (const u of units) {
    let h = 0;
    for (let p = 1; p < parts; p++) if (costs[p]! < costs[h]!) h = p;
    costs[h]! += cost(u);
    if (u >= 0) side[u] = h;
    else directSide[-1 - u] = h;
  }
  const out: LayoutPart[] = Array.from(costs, (c) => ({ dirs: [], nodes: [], cost: c }));
  for (let i = 0; i < dirs.length; i++) {
    if (inSpine[i]) continue;
    if (side[i] === -1) side[i] = side[parent[i]!]!;
    out[side[i]!]!.dirs.push(i);
  }
  for (let n = 0; n < layout.nodes.length; n++) {
    const d = nodeDir[n]!;
    out[inSpine[d] ? directSide[d]! : side[d]!]!.nodes.push(n);
  }
  spine.sort((a, b) => a - b);
  const nonEmpty = out.filter((part) => part.dirs.length + part.nodes.length > 0).sort((a, b) => b.cost - a.cost);
  return { spine, parts: nonEmpty, total };
}
