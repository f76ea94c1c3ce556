import type { TreeLayout } from "../plan/layout.js";
import { parentOf } from "../plan/tree-path.js";

/** Relative cost of creating a directory (a new inode), against 1 for a hard link. */
const DIR_COST = 6;
/** Relative cost of a private copy (a new inode plus the data). */
const COPY_COST = 8;
/** Relative cost of a symlink (usually a hard link to a pooled one). */
const SYMLINK_COST = 2;
/**
 * Share of the total cost given to the first half (the calling thread's) beyond an even split: the second half's
 * thread starts some milliseconds later (it receives its job, or reads its part of a recipe), measured 5-25 ms
 * behind on the apache2 root, on ext4 and on tmpfs alike, so the first half takes about 56 %.
 */
const FIRST_HALF_EXTRA = 0.12;

/** A layout split into two halves of whole subtrees, written by two threads. */
export interface LayoutSplit {
  /** Directories both halves write below (the root's ancestors of split subtrees), in layout order; index 0 is `/`. */
  spine: number[];
  /** For each half: its directories (layout order) and nodes (layout order), as indices into the layout. */
  halves: [LayoutHalf, LayoutHalf];
}

/** One half of a {@link LayoutSplit}. */
export interface LayoutHalf {
  /** Indices into `layout.dirs`. */
  dirs: number[];
  /** Indices into `layout.nodes`. */
  nodes: number[];
  /** Estimated cost. */
  cost: number;
}

/**
 * Splits a layout into two halves of about equal cost for two writer threads (the first a little heavier, see
 * `FIRST_HALF_EXTRA`): whole subtrees, so
 * each half creates its own directories (parents before children) and everything inside them.
 * Subtrees heavier than a third of the total are opened up (the directory joins the spine, which is
 * created before both halves start; its direct entries form one unit); units are then dealt out
 * heaviest first to the lighter half.
 * @param layout - the tree to write
 * @param copyAll - every file is copied (changes the cost estimate)
 */
export function splitLayout(layout: TreeLayout, copyAll: boolean): LayoutSplit {
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
  for (let round = 0; round < 64; round++) {
    let heaviest = -1;
    for (const u of units) if (u >= 0 && (heaviest === -1 || cost(u) > cost(heaviest))) heaviest = u;
    if (heaviest === -1 || cost(heaviest) <= total / 3) break;
    inSpine[heaviest] = 1;
    spine.push(heaviest);
    units = units.filter((u) => u !== heaviest);
    units.push(-1 - heaviest, ...children[heaviest]!);
  }
  units.sort((a, b) => cost(b) - cost(a));
  const side = new Int8Array(dirs.length).fill(-1);
  const costs = [0, 0];
  const directSide = new Int8Array(dirs.length).fill(0);
  const extra = total * FIRST_HALF_EXTRA;
  for (const u of units) {
    const h = costs[0]! <= costs[1]! + extra ? 0 : 1;
    costs[h]! += cost(u);
    if (u >= 0) side[u] = h;
    else directSide[-1 - u] = h;
  }
  const halves: [LayoutHalf, LayoutHalf] = [
    { dirs: [], nodes: [], cost: costs[0]! },
    { dirs: [], nodes: [], cost: costs[1]! },
  ];
  for (let i = 0; i < dirs.length; i++) {
    if (inSpine[i]) continue;
    if (side[i] === -1) side[i] = side[parent[i]!]!;
    halves[side[i]!]!.dirs.push(i);
  }
  for (let n = 0; n < layout.nodes.length; n++) {
    const d = nodeDir[n]!;
    halves[inSpine[d] ? directSide[d]! : side[d]!]!.nodes.push(n);
  }
  spine.sort((a, b) => a - b);
  return { spine, halves };
}
