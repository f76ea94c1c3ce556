import { type Entry, GroveError } from "@grove/core";

/** `.` or `..` segments, empty segments, NUL: anything a normalised commit path never has. */
const UNSAFE_PATH = /(?:^|\/)\.\.?(?:\/|$)|\/\/|\0/;

/**
 * Checks that an entry's path is absolute and normalised (no `.`, `..` or empty segments, no NUL,
 * no trailing slash). The store validates this when a commit is written; checkout checks again
 * because a path that could climb out of the root must never reach the file system, whatever the
 * commit file says. Throws `CHECKOUT_BAD_ENTRY` naming the package.
 * @param entry - the entry to check
 * @param label - the package the entry belongs to, for the message
 */
export function assertSafeEntry(entry: Entry, label: string): void {
  const p = entry.path;
  if (
    typeof p !== "string" ||
    p.charCodeAt(0) !== 47 ||
    (p.length > 1 && p.charCodeAt(p.length - 1) === 47) ||
    UNSAFE_PATH.test(p)
  ) {
    throw new GroveError("CHECKOUT_BAD_ENTRY", `${label}: entry path ${JSON.stringify(p)} is not a normalised absolute path`, {
      subject: String(p),
      hint: "the commit is damaged; run `grove fsck`",
    });
  }
  if ((entry.type === "symlink" || entry.type === "hardlink") && (typeof entry.linkTo !== "string" || entry.linkTo === "" || entry.linkTo.includes("\0"))) {
    throw new GroveError("CHECKOUT_BAD_ENTRY", `${label}: ${entry.type} ${p} has no usable link target`, { subject: p });
  }
}

/** rpm's %ghost file flag: the package owns the path but ships no content; checkout creates nothing. */
export const RPMFILE_GHOST = 64;
/** rpm's %config file flag. */
export const RPMFILE_CONFIG = 1;
/** rpm's %config(noreplace) flag. */
export const RPMFILE_NOREPLACE = 16;
/** rpm's %config(missingok) flag. */
export const RPMFILE_MISSINGOK = 8;

/** True for an entry rpm would not create: a %ghost, or a `file` without content. */
export function isGhost(entry: Entry): boolean {
  return ((entry.flags ?? 0) & RPMFILE_GHOST) !== 0 || (entry.type === "file" && entry.object === undefined);
}
