import type { Entry } from "@grove/core";

/** How two entries that land on one path relate. */
export type EntryRelation =
  /** Same kind and metadata (and content): the path is shared, the first package's entry is used. */
  | { kind: "identical" }
  /** Two directories whose mode or owner differ: the first package's metadata is used (a warning). */
  | { kind: "dir-metadata"; what: string }
  /** A directory in one package and a symlink in the other: the symlink is kept (a warning). */
  | { kind: "dir-vs-symlink" }
  /** Anything else: a file conflict, as rpm reports it. */
  | { kind: "conflict"; what: string };

/** `hardlink` entries are regular files for comparison (rpm has no separate type for them). */
function kindOf(entry: Entry): string {
  return entry.type === "hardlink" ? "file" : entry.type;
}

function ownerOf(entry: Entry): string {
  return `${entry.user ?? entry.uid}:${entry.group ?? entry.gid}`;
}

/**
 * Compares two entries for the same path the way rpm's `rpmfilesCompare` does (type and mode must
 * match, except that symlinks' modes do not matter; size, user and group names, symlink target and
 * content digest must match), except that directories never conflict (the first package's mode
 * and owner win, reported as a warning) and a directory meeting a symlink keeps the symlink.
 * @param a - the entry already planned for the path (from an earlier package)
 * @param b - the new entry
 */
export function compareEntries(a: Entry, b: Entry): EntryRelation {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) {
    if ((ka === "dir" && kb === "symlink") || (ka === "symlink" && kb === "dir")) return { kind: "dir-vs-symlink" };
    return { kind: "conflict", what: `a ${ka} in one package and a ${kb} in the other` };
  }
  if (ka === "dir") {
    if (a.mode !== b.mode) return { kind: "dir-metadata", what: `mode ${octal(a.mode)} vs ${octal(b.mode)}` };
    if (ownerOf(a) !== ownerOf(b)) return { kind: "dir-metadata", what: `owner ${ownerOf(a)} vs ${ownerOf(b)}` };
    return { kind: "identical" };
  }
  if (ka !== "symlink" && a.mode !== b.mode) {
    return { kind: "conflict", what: `mode ${octal(a.mode)} vs ${octal(b.mode)}` };
  }
  if (ownerOf(a) !== ownerOf(b)) return { kind: "conflict", what: `owner ${ownerOf(a)} vs ${ownerOf(b)}` };
  switch (ka) {
    case "symlink":
      return a.linkTo === b.linkTo
        ? { kind: "identical" }
        : { kind: "conflict", what: `symlink to ${a.linkTo} vs to ${b.linkTo}` };
    case "file":
      if (a.size !== b.size || a.object !== b.object) return { kind: "conflict", what: "different content" };
      return { kind: "identical" };
    case "chardev":
    case "blockdev":
      return a.rdev === b.rdev ? { kind: "identical" } : { kind: "conflict", what: "different device numbers" };
    default:
      return { kind: "identical" };
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8)}`;
}
