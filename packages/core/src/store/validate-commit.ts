import { GroveError } from "../errors.js";
import { compareUtf8 } from "./canonical-json.js";
import type { Commit, Entry, EntryType } from "./commit.js";
import { ENTRY_TYPES } from "./commit.js";
import { normalizeEntryPath, parentPath } from "./entry-path.js";
import { isSha256Hex, parseObjectId } from "./ids.js";

const COMMIT_KEYS = new Set(["version", "entries", "metadata", "references", "objects"]);
const ENTRY_KEYS = new Set([
  "path",
  "type",
  "mode",
  "uid",
  "gid",
  "user",
  "group",
  "size",
  "object",
  "linkTo",
  "rdev",
  "mtime",
  "xattrs",
  "flags",
]);
const TYPES = new Set<string>(ENTRY_TYPES);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UINT32_MAX = 0xffff_ffff;

/** Which optional fields each entry type may (and must) carry. */
const TYPE_RULES: Record<EntryType, { object: "required" | "optional" | "forbidden"; linkTo: boolean; rdev: boolean }> =
  {
    file: { object: "optional", linkTo: false, rdev: false },
    hardlink: { object: "required", linkTo: true, rdev: false },
    dir: { object: "forbidden", linkTo: false, rdev: false },
    symlink: { object: "forbidden", linkTo: true, rdev: false },
    chardev: { object: "forbidden", linkTo: false, rdev: true },
    blockdev: { object: "forbidden", linkTo: false, rdev: true },
    fifo: { object: "forbidden", linkTo: false, rdev: false },
    socket: { object: "forbidden", linkTo: false, rdev: false },
  };

/**
 * Checks that `commit` is a well-formed version-1 commit in stored form: known keys only, valid
 * entries, paths normalised and strictly sorted by UTF-8 bytes (so unique), every hard link
 * pointing at a `file` entry with the same object, mode and owner, no entry below a non-directory
 * entry, `references` and `objects` sorted and unique. Throws a GroveError (`STORE_BAD_COMMIT`,
 * `STORE_BAD_ENTRY`, `STORE_BAD_PATH`, `STORE_DUPLICATE_PATH` or `STORE_PATH_CONFLICT`) naming what is wrong.
 * @param commit - the parsed commit
 * @param subject - what the commit is (a file name or id) for messages
 */
export function validateCommit(commit: unknown, subject = "commit"): asserts commit is Commit {
  if (!isPlainObject(commit)) throw badCommit(subject, "is not a JSON object");
  for (const key of Object.keys(commit)) {
    if (!COMMIT_KEYS.has(key)) throw badCommit(subject, `has an unknown key ${JSON.stringify(key)}`);
  }
  if (commit.version !== 1) throw badCommit(subject, `has version ${JSON.stringify(commit.version)}, expected 1`);
  if (!isPlainObject(commit.metadata)) throw badCommit(subject, "has no metadata object");
  if (!Array.isArray(commit.entries)) throw badCommit(subject, "has no entries array");
  checkSortedIds(commit.references, "references", isSha256Hex, subject);
  checkSortedIds(commit.objects, "objects", (v) => typeof v === "string" && parseObjectId(v) !== undefined, subject);

  const byPath = new Map<string, Entry>();
  let previous: string | undefined;
  for (const raw of commit.entries as unknown[]) {
    const entry = validateEntry(raw, subject);
    if (previous !== undefined) {
      const order = compareUtf8(previous, entry.path);
      if (order === 0) {
        throw new GroveError("STORE_DUPLICATE_PATH", `${subject}: the path ${entry.path} appears twice`, {
          subject: entry.path,
        });
      }
      if (order > 0) throw badCommit(subject, `entries are not sorted by path (${previous} before ${entry.path})`);
    }
    previous = entry.path;
    byPath.set(entry.path, entry);
  }
  for (const entry of byPath.values()) {
    const parent = parentPath(entry.path);
    const parentEntry = parent === undefined ? undefined : byPath.get(parent);
    if (parentEntry !== undefined && parentEntry.type !== "dir") {
      throw new GroveError(
        "STORE_PATH_CONFLICT",
        `${subject}: ${entry.path} is below ${parentEntry.path}, which is a ${parentEntry.type}, not a dir`,
        { subject: entry.path },
      );
    }
    if (entry.type === "hardlink") checkHardlink(entry, byPath, subject);
  }
}

function validateEntry(raw: unknown, subject: string): Entry {
  if (!isPlainObject(raw)) throw badCommit(subject, "has an entry that is not a JSON object");
  const where = typeof raw.path === "string" ? raw.path : "(entry without a path)";
  const bad = (what: string) =>
    new GroveError("STORE_BAD_ENTRY", `${subject}: entry ${where}: ${what}`, { subject: where });
  for (const key of Object.keys(raw)) {
    if (!ENTRY_KEYS.has(key)) throw bad(`unknown key ${JSON.stringify(key)}`);
  }
  if (typeof raw.path !== "string") throw bad("path is not a string");
  if (normalizeEntryPath(raw.path, subject) !== raw.path) throw bad("path is not normalised");
  if (typeof raw.type !== "string" || !TYPES.has(raw.type)) throw bad(`unknown type ${JSON.stringify(raw.type)}`);
  const type = raw.type as EntryType;
  if (!isUint(raw.mode, 0o7777)) throw bad(`mode ${JSON.stringify(raw.mode)} is not an integer in 0..0o7777`);
  if (!isUint(raw.uid, UINT32_MAX)) throw bad(`uid ${JSON.stringify(raw.uid)} is not a 32-bit unsigned integer`);
  if (!isUint(raw.gid, UINT32_MAX)) throw bad(`gid ${JSON.stringify(raw.gid)} is not a 32-bit unsigned integer`);
  if (raw.user !== undefined && typeof raw.user !== "string") throw bad("user is not a string");
  if (raw.group !== undefined && typeof raw.group !== "string") throw bad("group is not a string");
  if (raw.mtime !== undefined && !Number.isSafeInteger(raw.mtime)) throw bad("mtime is not an integer");
  if (raw.flags !== undefined && !isUint(raw.flags, UINT32_MAX)) throw bad("flags is not a 32-bit unsigned integer");
  if (raw.xattrs !== undefined) {
    if (!isPlainObject(raw.xattrs)) throw bad("xattrs is not an object");
    for (const [name, value] of Object.entries(raw.xattrs)) {
      if (name === "" || name.includes("\0")) throw bad(`xattr name ${JSON.stringify(name)} is empty or has NUL`);
      if (typeof value !== "string" || !BASE64.test(value)) throw bad(`xattr ${name} is not base64`);
    }
  }
  const rules = TYPE_RULES[type];
  if (raw.object !== undefined && !isSha256Hex(raw.object)) throw bad("object is not a lowercase hex sha256");
  if (rules.object === "required" && raw.object === undefined) throw bad(`a ${type} entry needs an object`);
  if (rules.object === "forbidden" && raw.object !== undefined) throw bad(`a ${type} entry cannot have an object`);
  if (raw.size !== undefined) {
    if (type !== "file" && type !== "hardlink") throw bad(`a ${type} entry cannot have a size`);
    if (!Number.isSafeInteger(raw.size) || (raw.size as number) < 0) throw bad("size is not a non-negative integer");
  } else if (raw.object !== undefined) {
    throw bad("an entry with an object needs a size");
  }
  if (rules.linkTo) {
    if (typeof raw.linkTo !== "string" || raw.linkTo === "" || raw.linkTo.includes("\0")) {
      throw bad(`a ${type} entry needs a non-empty linkTo without NUL`);
    }
  } else if (raw.linkTo !== undefined) {
    throw bad(`a ${type} entry cannot have linkTo`);
  }
  if (rules.rdev) {
    if (!Number.isSafeInteger(raw.rdev) || (raw.rdev as number) < 0) throw bad(`a ${type} entry needs an rdev`);
  } else if (raw.rdev !== undefined) {
    throw bad(`a ${type} entry cannot have rdev`);
  }
  return raw as unknown as Entry;
}

function checkHardlink(entry: Entry, byPath: Map<string, Entry>, subject: string): void {
  const target = byPath.get(entry.linkTo!);
  const bad = (what: string) =>
    new GroveError("STORE_BAD_ENTRY", `${subject}: hard link ${entry.path} -> ${entry.linkTo}: ${what}`, {
      subject: entry.path,
    });
  if (target === undefined) throw bad("the target is not an entry of this commit");
  if (target.type !== "file") throw bad(`the target is a ${target.type}, not a file`);
  if (target.object !== entry.object || target.size !== entry.size) throw bad("the target has other content");
  if (target.mode !== entry.mode || target.uid !== entry.uid || target.gid !== entry.gid) {
    throw bad("the target has another mode or owner (a hard link shares its inode)");
  }
}

function checkSortedIds(value: unknown, key: string, valid: (v: unknown) => boolean, subject: string): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw badCommit(subject, `${key} is not an array`);
  for (let i = 0; i < value.length; i++) {
    if (!valid(value[i])) throw badCommit(subject, `${key}[${i}] ${JSON.stringify(value[i])} is not a valid id`);
    if (i > 0 && (value[i - 1] as string) >= (value[i] as string)) {
      throw badCommit(subject, `${key} is not sorted and unique`);
    }
  }
}

function isUint(value: unknown, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= max;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function badCommit(subject: string, what: string): GroveError {
  return new GroveError("STORE_BAD_COMMIT", `${subject} ${what}`, { subject });
}
