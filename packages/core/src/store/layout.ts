/** Exact bytes of `store.json` for the store format this code writes and reads. */
export const STORE_JSON_TEXT = '{"format":"grove-store","version":1}\n';
/** The `format` value of `store.json`. */
export const STORE_FORMAT = "grove-store";
/** The only `store.json` version this code understands. */
export const STORE_VERSION = 1;

/** Top-level directories core owns inside a grove directory. */
export const STORE_DIRS = ["objects", "commits", "refs", "index/source", "tmp", "locks"] as const;

/** Path of a commit relative to the grove directory: `commits/<aa>/<id>.json`. */
export function commitRelPath(id: string): string {
  return `commits/${id.slice(0, 2)}/${id}.json`;
}

/** Path of a ref relative to the grove directory: `refs/<name>`. */
export function refRelPath(name: string): string {
  return `refs/${name}`;
}

/** Path of a source-index entry relative to the grove directory: `index/source/<aa>/<sha256>`. */
export function sourceIndexRelPath(sha256: string): string {
  return `index/source/${sha256.slice(0, 2)}/${sha256}`;
}
