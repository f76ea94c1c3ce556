import { readdirSync, readlinkSync } from "node:fs";
import type { RootLayout } from "./grove-layout.js";

/** What exists of one root on disk. */
export interface RootScan {
  /** The generation `roots/NAME` points at, if the symlink exists and names one. */
  current: number | undefined;
  /** Generations with a tree `roots/NAME.G`. */
  trees: Set<number>;
  /** Generations with a record `state/roots/NAME/G.json`. */
  records: Set<number>;
  /** Leftovers of interrupted builds, removals and swaps: `roots/.NAME.G.tmp`, `.NAME.G.del`, `.NAME.link.*` (full paths). */
  leftovers: string[];
  /** Every generation number seen anywhere (trees, records, leftovers). */
  highest: number;
}

/**
 * Looks at a root's symlink, generation trees, records and leftovers (no locking; callers that act on
 * the result hold the root lock).
 * @param layout - the root
 */
export function scanRoot(layout: RootLayout): RootScan {
  const scan: RootScan = { current: undefined, trees: new Set(), records: new Set(), leftovers: [], highest: 0 };
  const escaped = layout.name.replace(/[.+]/g, "\\$&");
  const tree = new RegExp(`^${escaped}\\.(\\d+)$`);
  const leftover = new RegExp(`^\\.${escaped}\\.(\\d+)\\.(?:tmp|del)$`);
  const linkTemp = new RegExp(`^\\.${escaped}\\.link\\.\\d+\\.\\d+$`);
  for (const name of safeReaddir(layout.rootsDir)) {
    let m = tree.exec(name);
    if (m !== null) {
      const g = Number(m[1]);
      scan.trees.add(g);
      scan.highest = Math.max(scan.highest, g);
      continue;
    }
    m = leftover.exec(name);
    if (m !== null) {
      scan.leftovers.push(`${layout.rootsDir}/${name}`);
      scan.highest = Math.max(scan.highest, Number(m[1]));
    } else if (linkTemp.test(name)) {
      scan.leftovers.push(`${layout.rootsDir}/${name}`);
    }
  }
  for (const name of safeReaddir(layout.stateDir)) {
    const m = /^(\d+)\.json$/.exec(name);
    if (m === null) continue;
    const g = Number(m[1]);
    scan.records.add(g);
    scan.highest = Math.max(scan.highest, g);
  }
  scan.current = readCurrent(layout);
  return scan;
}

/** The generation `roots/NAME` points at; `undefined` when there is no such symlink or it names no generation. */
export function readCurrent(layout: RootLayout): number | undefined {
  let target: string;
  try {
    target = readlinkSync(layout.link);
  } catch {
    return undefined;
  }
  const prefix = `${layout.name}.`;
  if (!target.startsWith(prefix)) return undefined;
  const rest = target.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw err;
  }
}
