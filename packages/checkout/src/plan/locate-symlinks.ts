import { GroveError } from "@grove/core/store";
import { PathResolver } from "./path-resolver.js";

/** A symlink some package ships: where the package says it is, and its target. */
export interface ShippedSymlink {
  /** The entry's path as the package names it. */
  path: string;
  /** The symlink's target, verbatim. */
  target: string;
}

/** More rounds than any real tree needs (each round settles at least one more level of symlinks). */
const MAX_ROUNDS = 32;

/**
 * Decides where each shipped symlink really lands in the assembled tree. A symlink's own location
 * can lie below another symlink (`/lib -> usr/lib` and `/lib/foo -> bar` puts `foo` in `/usr/lib`),
 * so the locations are computed to a fixed point: start with every symlink at its literal path,
 * resolve every location through the current table, repeat until nothing moves. When two symlinks
 * land on one location the first (in the given order) is kept here; the plan reports the conflict.
 * @returns resolved location -> target
 */
export function locateSymlinks(symlinks: readonly ShippedSymlink[]): Map<string, string> {
  let table = new Map<string, string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const resolver = new PathResolver(table);
    const next = new Map<string, string>();
    for (const link of symlinks) {
      const at = resolver.resolveEntry(link.path);
      if (!next.has(at)) next.set(at, link.target);
    }
    if (sameTable(table, next)) return next;
    table = next;
  }
  throw new GroveError(
    "CHECKOUT_SYMLINK_LOOP",
    `the packages' symlinks do not settle on fixed locations after ${MAX_ROUNDS} rounds (symlinks below symlinks that move each other)`,
    { hint: "look for directory symlinks that point into each other" },
  );
}

function sameTable(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
