import { GroveError } from "@grove/core/store";
import { joinPath, parentOf } from "./tree-path.js";

/** Most symlinks followed while resolving one path component, like Linux's MAXSYMLINKS. */
const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves paths of the tree being assembled the way the kernel resolves them inside a chroot at the
 * root: every directory component that is one of the tree's symlinks is followed, an absolute target
 * starts again at the root of the tree (never the host's), and `..` never climbs above the root.
 * Works on the planned symlinks only (no file-system access), memoised per directory.
 */
export class PathResolver {
  private readonly memo = new Map<string, string>([["/", "/"]]);

  /** @param links - the tree's symlinks: location (itself resolved) -> target */
  constructor(private readonly links: ReadonlyMap<string, string>) {}

  /**
   * Where directory `dir` really is: a path without symlink components, inside the root.
   * Throws `CHECKOUT_SYMLINK_LOOP` for symlinks that never end.
   */
  resolveDir(dir: string): string {
    const known = this.memo.get(dir);
    if (known !== undefined) return known;
    const slash = dir.lastIndexOf("/");
    const parentDir = slash <= 0 ? "/" : dir.slice(0, slash);
    const parent = this.resolveDir(parentDir);
    let resolved: string;
    if (parent === parentDir && !this.links.has(dir)) {
      resolved = dir; // the common case: no symlink on the way, keep the string
    } else {
      resolved = this.walk(parent, [dir.slice(slash + 1)], { hops: 0 }, dir);
    }
    this.memo.set(dir, resolved);
    return resolved;
  }

  /** Where entry `path` lands: its directory resolved, its own name kept (never followed, like lstat). */
  resolveEntry(path: string): string {
    if (path === "/") return "/";
    const slash = path.lastIndexOf("/");
    const parentDir = slash <= 0 ? "/" : path.slice(0, slash);
    const parent = this.resolveDir(parentDir);
    return parent === parentDir ? path : joinPath(parent, path.slice(slash + 1));
  }

  private walk(start: string, segments: readonly string[], counter: { hops: number }, subject: string): string {
    let cur = start;
    for (const seg of segments) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") {
        cur = parentOf(cur);
        continue;
      }
      const candidate = joinPath(cur, seg);
      const target = this.links.get(candidate);
      if (target === undefined) {
        cur = candidate;
        continue;
      }
      if (++counter.hops > MAX_SYMLINK_HOPS) {
        throw new GroveError(
          "CHECKOUT_SYMLINK_LOOP",
          `resolving ${subject} follows more than ${MAX_SYMLINK_HOPS} symlinks (a loop through ${candidate} -> ${target})`,
          { subject, hint: "two packages ship symlinks that point at each other" },
        );
      }
      cur = this.walk(target.startsWith("/") ? "/" : cur, target.split("/"), counter, subject);
    }
    return cur;
  }
}
