import path from "node:path";
import { GroveError } from "@grove/core/store";

/**
 * Where a root's pieces live in a grove directory:
 * - `roots/NAME` -> `NAME.G`: the symlink naming the active generation (swapped atomically);
 * - `roots/NAME.G/`: generation G's tree; `roots/.NAME.G.tmp/` while it is built, `roots/.NAME.G.del/` while removed;
 * - `state/roots/NAME/G.json`: generation G's record (request, repos, exact packages: the lockfile),
 *   `G.manifest.json` (metadata not applied on disk) and `G.defaults.json` (the packages' `/etc` and
 *   `/var` entries, for the next three-way merge), outside the root;
 * - `locks/root.NAME`: held while the root is assembled, rolled back or removed;
 * - ref `roots/NAME/G` -> the generation's root commit (it references the package commits, for gc).
 */
export interface RootLayout {
  /** The root's name. */
  name: string;
  /** `<dir>/roots`. */
  rootsDir: string;
  /** `<dir>/roots/NAME`, the symlink. */
  link: string;
  /** `<dir>/state/roots/NAME`. */
  stateDir: string;
  /** `<dir>/locks/root.NAME`. */
  lockFile: string;
}

/** Root names: a letter or digit, then letters, digits, `.`, `_`, `+`, `-`; at most 100 characters. */
const ROOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/;

/**
 * Throws `CHECKOUT_BAD_ROOT_NAME` unless `name` can name a root: it becomes a directory name, a ref
 * segment and a lock file name, and must not look like a generation (`web.2` would be generation 2
 * of `web`), so it may not end in `.` followed by digits, nor contain `..`.
 * @param name - the candidate name
 */
export function assertRootName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !ROOT_NAME.test(name) || /\.\d+$/.test(name) || name.includes("..")) {
    throw new GroveError(
      "CHECKOUT_BAD_ROOT_NAME",
      `bad root name ${JSON.stringify(name)}: use letters, digits, ".", "_", "+", "-" (starting with a letter or digit, at most 100, not ending in "." and digits)`,
      { subject: String(name) },
    );
  }
}

/** The paths of root `name` in grove directory `dir` (name checked). */
export function rootLayout(dir: string, name: string): RootLayout {
  assertRootName(name);
  const rootsDir = path.join(dir, "roots");
  return {
    name,
    rootsDir,
    link: path.join(rootsDir, name),
    stateDir: path.join(dir, "state", "roots", name),
    lockFile: path.join(dir, "locks", `root.${name}`),
  };
}

/** `<dir>/roots/NAME.G`. */
export function generationDir(layout: RootLayout, generation: number): string {
  return path.join(layout.rootsDir, `${layout.name}.${generation}`);
}

/** `<dir>/roots/.NAME.G.tmp`, where generation G is built. */
export function buildingDir(layout: RootLayout, generation: number): string {
  return path.join(layout.rootsDir, `.${layout.name}.${generation}.tmp`);
}

/** `<dir>/roots/.NAME.G.del`, where generation G goes while it is removed. */
export function deletingDir(layout: RootLayout, generation: number): string {
  return path.join(layout.rootsDir, `.${layout.name}.${generation}.del`);
}

/** `<dir>/state/roots/NAME/G.json`. */
export function stateFile(layout: RootLayout, generation: number): string {
  return path.join(layout.stateDir, `${generation}.json`);
}

/** `<dir>/state/roots/NAME/G.manifest.json`. */
export function manifestFile(layout: RootLayout, generation: number): string {
  return path.join(layout.stateDir, `${generation}.manifest.json`);
}

/** `<dir>/state/roots/NAME/G.defaults.json`: the packages' entries in `/etc` and `/var`, the next merge's "old defaults". */
export function defaultsFile(layout: RootLayout, generation: number): string {
  return path.join(layout.stateDir, `${generation}.defaults.json`);
}

/** The ref of generation G: `roots/NAME/G`. */
export function generationRef(name: string, generation: number): string {
  return `roots/${name}/${generation}`;
}
