import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { GroveError, initStore, isGroveError, openStore, type Store } from "@grove/core/store";

/**
 * The directories a grove directory holds besides the store's own (`objects/`, `commits/`, `refs/`,
 * `index/`, `locks/`): `.repo` files, root trees, caches (repository metadata, downloads, rpmdbs),
 * temporary files and the generation records.
 */
export const GROVE_SUBDIRS = ["repos.d", "roots", "cache", "tmp", "state"] as const;

/** What {@link initGroveDir} did. */
export interface InitGroveDirResult {
  /** The grove directory (absolute). */
  dir: string;
  /** False when it already was a grove directory (nothing was changed but missing subdirectories). */
  created: boolean;
}

/**
 * Creates a grove directory: the content store plus `repos.d/`, `roots/`, `cache/`, `tmp/` and
 * `state/`. Running it on an existing grove directory is harmless (missing subdirectories are added).
 * @param dir - the directory (created with its parents when missing)
 * @throws GroveError `STORE_BAD_FORMAT` / `STORE_UNSUPPORTED_VERSION` when `dir` holds something else
 */
export async function initGroveDir(dir: string): Promise<InitGroveDirResult> {
  const root = path.resolve(dir);
  const existed = existsSync(path.join(root, "store.json"));
  await initStore(root);
  for (const sub of GROVE_SUBDIRS) await mkdir(path.join(root, sub), { recursive: true });
  return { dir: root, created: !existed };
}

/**
 * Opens an existing grove directory's store.
 * @param dir - the grove directory
 * @throws GroveError `STORE_NOT_FOUND` (with a hint to run `grove init`) when `dir` is not one
 */
export async function openGroveDir(dir: string): Promise<Store> {
  try {
    return await openStore(dir);
  } catch (err) {
    if (isGroveError(err) && err.code === "STORE_NOT_FOUND") {
      throw new GroveError("STORE_NOT_FOUND", `${path.resolve(dir)} is not a grove directory (no store.json)`, {
        subject: path.resolve(dir),
        hint: `create it with \`grove init ${dir}\`, or pass --store DIR / set GROVE_STORE`,
        cause: err,
      });
    }
    throw err;
  }
}

/** `<dir>/cache`: repository metadata (`cache/repos/`), downloads (`cache/packages/`), rpmdbs (`cache/rpmdb/`). */
export function groveCacheDir(dir: string): string {
  return path.join(path.resolve(dir), "cache");
}
