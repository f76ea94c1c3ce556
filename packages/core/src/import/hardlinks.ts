import { GroveError } from "../errors.js";
import { compareUtf8 } from "../store/canonical-json.js";
import type { Entry } from "../store/commit.js";

/**
 * Resolves the hard links of an import in place: every `hardlink` entry gets its set's object
 * and size, and the member with the smallest path (UTF-8 byte order) becomes the set's `file`,
 * the others `hardlink`s to it. Throws `STORE_BAD_ENTRY` for a link to a missing entry, to a
 * non-file, in a cycle, or claiming other content than its target.
 * @param byPath - all entries of the import by normalised path (`linkTo` of hard links normalised)
 * @param subject - what is imported, for messages
 */
export function resolveHardlinks(byPath: Map<string, Entry>, subject: string): void {
  const sets = new Map<string, Entry[]>();
  for (const entry of byPath.values()) {
    if (entry.type !== "hardlink") continue;
    const file = findFile(entry, byPath, subject);
    if (entry.object !== undefined && entry.object !== file.object) {
      throw bad(
        entry,
        subject,
        `it claims object ${entry.object}, but ${file.path} holds ${file.object ?? "no content"}`,
      );
    }
    let members = sets.get(file.path);
    if (members === undefined) {
      members = [file];
      sets.set(file.path, members);
    }
    members.push(entry);
  }
  for (const members of sets.values()) {
    const file = members[0]!;
    let first = file;
    for (const m of members) if (compareUtf8(m.path, first.path) < 0) first = m;
    for (const m of members) {
      if (m === first) {
        m.type = "file";
        delete m.linkTo;
      } else {
        m.type = "hardlink";
        m.linkTo = first.path;
      }
      if (file.object !== undefined) m.object = file.object;
      if (file.size !== undefined) m.size = file.size;
    }
  }
}

function findFile(entry: Entry, byPath: Map<string, Entry>, subject: string): Entry {
  const seen = new Set<string>([entry.path]);
  let current = entry;
  while (current.type === "hardlink") {
    const next = byPath.get(current.linkTo ?? "");
    if (next === undefined) throw bad(entry, subject, `its target ${current.linkTo} is not an entry of this import`);
    if (seen.has(next.path)) throw bad(entry, subject, "the hard links form a cycle");
    seen.add(next.path);
    current = next;
  }
  if (current.type !== "file") throw bad(entry, subject, `its target ${current.path} is a ${current.type}, not a file`);
  if (current.object === undefined) throw bad(entry, subject, `its target ${current.path} has no content`);
  return current;
}

function bad(entry: Entry, subject: string, what: string): GroveError {
  return new GroveError("STORE_BAD_ENTRY", `${subject}: hard link ${entry.path}: ${what}`, { subject: entry.path });
}
