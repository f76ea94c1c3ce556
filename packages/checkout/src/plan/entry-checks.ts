import { ENTRY_TYPES, type Entry, GroveError, isSha256Hex } from "@grove/core/store";

/** `.` or `..` segments, empty segments, NUL: anything a normalised commit path never has. */
const UNSAFE_PATH = /(?:^|\/)\.\.?(?:\/|$)|\/\/|\0/;
const TYPES = new Set<string>(ENTRY_TYPES);

/**
 * Checks what checkout relies on for safety in one entry: the path is absolute and normalised (no
 * `.`, `..` or empty segments, no NUL, no trailing slash), the type is known, the mode is in
 * 0..0o7777 (it names the object), the object is a sha256 (it is part of a path into the store),
 * and links have a target. The store validates all this when a commit is written; checkout checks
 * again because a path that could climb out of the root must never reach the file system, whatever
 * the commit file says. Throws `CHECKOUT_BAD_ENTRY` naming the package and the entry.
 * @param entry - the entry to check
 * @param label - the package the entry belongs to, for the message
 */
export function assertSafeEntry(entry: Entry, label: string): void {
  const p = entry.path;
  const bad = (what: string) =>
    new GroveError("CHECKOUT_BAD_ENTRY", `${label}: entry ${JSON.stringify(p)}: ${what}`, {
      subject: String(p),
      hint: "the commit is damaged; run `grove fsck`",
    });
  if (
    typeof p !== "string" ||
    p.charCodeAt(0) !== 47 ||
    (p.length > 1 && p.charCodeAt(p.length - 1) === 47) ||
    UNSAFE_PATH.test(p)
  ) {
    throw bad("the path is not a normalised absolute path");
  }
  if (!TYPES.has(entry.type)) throw bad(`unknown type ${JSON.stringify(entry.type)}`);
  if (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > 0o7777) throw bad("mode is not in 0..0o7777");
  if (entry.object !== undefined && !isSha256Hex(entry.object)) throw bad("object is not a sha256");
  if (entry.type === "hardlink" && entry.object === undefined) throw bad("a hard link needs an object");
  if ((entry.type === "symlink" || entry.type === "hardlink") && !isLinkTarget(entry.linkTo)) {
    throw bad(`a ${entry.type} needs a non-empty link target without NUL`);
  }
}

function isLinkTarget(value: unknown): boolean {
  return typeof value === "string" && value !== "" && !value.includes("\0");
}

/** rpm's %ghost file flag: the package owns the path but ships no content; checkout creates nothing. */
export const RPMFILE_GHOST = 64;
/** rpm's %config file flag. */
export const RPMFILE_CONFIG = 1;
/** rpm's %config(noreplace) flag. */
export const RPMFILE_NOREPLACE = 16;

/** True for an entry rpm would not create: a %ghost, or a `file` without content. */
export function isGhost(entry: Entry): boolean {
  return ((entry.flags ?? 0) & RPMFILE_GHOST) !== 0 || (entry.type === "file" && entry.object === undefined);
}
