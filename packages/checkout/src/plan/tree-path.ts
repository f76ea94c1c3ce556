/**
 * Small helpers for the absolute, normalised `/`-separated paths commits use (`/` is the tree root).
 * They work on strings only and never touch the file system.
 */

/** The parent of an absolute normalised path (`/` for a top-level name and for `/` itself). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/** The last segment of an absolute normalised path (`""` for `/`). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** `dir` + `/` + `name`, without doubling the slash of the root. */
export function joinPath(dir: string, name: string): string {
  return dir === "/" ? `/${name}` : `${dir}/${name}`;
}

/** True when `path` is `prefix` or lies below it (`/etc` is under `/etc`, `/etcx` is not). */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === "/") return true;
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47);
}

/** Replaces the leading `from` of `path` (which {@link isUnder} `from`) by `to`. */
export function rebase(path: string, from: string, to: string): string {
  if (path === from) return to;
  return from === "/" ? `${to}${path}` : `${to}${path.slice(from.length)}`;
}

/** Number of segments of a path (`/` has 0, `/usr/bin` has 2). */
export function depthOf(path: string): number {
  if (path === "/") return 0;
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 47) n++;
  return n;
}
