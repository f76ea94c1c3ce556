import type { RootResult } from "@grove/checkout";
import { formatDuration } from "./format-size.js";

/**
 * The text `grove assemble` and `grove upgrade` print for one root when it is done, e.g.
 * `web: generation 2 at /g/roots/web.2 (96 packages, 1 downloaded, 1.9 s)` followed by one line per
 * upgraded, added and removed package; `web: up to date` when nothing changed.
 * @param result - the root's result
 */
export function renderRootResult(result: RootResult): string {
  if (!result.changed) return `${result.name}: up to date\n`;
  const lines = [
    `${result.name}: generation ${result.generation} at ${result.path} (${result.packages.length} packages, ${result.downloaded.length} downloaded, ${formatDuration(result.elapsedMs)})`,
  ];
  for (const change of result.upgraded) lines.push(`  upgraded ${change.from} -> ${change.to}`);
  for (const nevra of result.added) lines.push(`  added    ${nevra}`);
  for (const nevra of result.removed) lines.push(`  removed  ${nevra}`);
  return `${lines.join("\n")}\n`;
}

/**
 * The line printed once a root's request is solved: `web: 96 packages, 91 to download (40.1 MB)`.
 * @param root - root name
 * @param packages - packages in the root
 * @param toDownload - packages the store lacks
 * @param size - their size, formatted
 */
export function renderSolvedLine(root: string, packages: number, toDownload: number, size: string): string {
  return `${root}: ${packages} packages, ${toDownload} to download${toDownload > 0 ? ` (${size})` : ""}\n`;
}
