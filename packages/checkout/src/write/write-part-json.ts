import type { WritePart } from "./write-tree.js";

/** A path inside a root: absolute, no empty, `.` or `..` component, no NUL. */
const ROOT_PATH = /^(?:\/(?!\.\.?(?:\/|$))[^/\0]+)+$/;
/** An object's name below `objects/`: `ab/ab…(64 hex).pppp`. */
const OBJECT_NAME = /^([0-9a-f]{2})\/\1[0-9a-f]{62}\.[0-7]{4}$/;
const NODE_KINDS = new Set(["file", "symlink", "special"]);

/**
 * Checks that parsed JSON is a well-formed {@link WritePart} whose every path stays inside the root
 * and whose objects are object names: a damaged or edited cache file can then at worst fail the
 * checkout, never write outside the root. Throws an `Error` naming `source` and the first bad op.
 * @param value - parsed JSON
 * @param source - what it was read from (for the message)
 */
export function checkWritePart(value: unknown, source: string): WritePart {
  const part = value as WritePart;
  if (part === null || typeof part !== "object" || !Array.isArray(part.dirs) || !Array.isArray(part.nodes)) {
    throw new Error(`${source}: not a write part (dirs and nodes)`);
  }
  for (const d of part.dirs) {
    if (d === null || typeof d !== "object" || !isRootPath(d.path) || !isMode(d.created)) {
      throw new Error(`${source}: bad directory op ${JSON.stringify(d)}`);
    }
  }
  for (const n of part.nodes) {
    const ok =
      n !== null &&
      typeof n === "object" &&
      Number.isSafeInteger(n.index) &&
      NODE_KINDS.has(n.kind) &&
      isRootPath(n.path) &&
      (n.kind !== "file" ||
        (typeof n.object === "string" &&
          OBJECT_NAME.test(n.object) &&
          isMode(n.mode) &&
          Number.isSafeInteger(n.size))) &&
      (n.kind !== "symlink" || (typeof n.linkTo === "string" && n.linkTo.length > 0 && !n.linkTo.includes("\0")));
    if (!ok) throw new Error(`${source}: bad node op ${JSON.stringify(n)}`);
  }
  return part;
}

function isRootPath(p: unknown): p is string {
  return typeof p === "string" && ROOT_PATH.test(p);
}

function isMode(m: unknown): m is number {
  return Number.isInteger(m) && (m as number) >= 0 && (m as number) <= 0o7777;
}
