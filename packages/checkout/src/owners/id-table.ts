import { readFileSync } from "node:fs";

/** Names -> numeric ids, from a root's `/etc/passwd` or `/etc/group`. */
export type IdTable = ReadonlyMap<string, number>;

/**
 * Reads a `passwd`/`group`-style file (`name:x:id:...` lines) into a name -> id map, as rpm does at
 * install time to turn a package's owner names into ids. Missing or unreadable files give an empty
 * table; malformed lines are skipped; the first line for a name wins.
 * @param file - path of the file in the assembled root
 */
export function readIdTable(file: string): IdTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return new Map();
  }
  const table = new Map<string, number>();
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    const name = fields[0];
    const id = fields[2];
    if (name === undefined || name === "" || name.startsWith("#") || id === undefined || !/^\d{1,10}$/.test(id))
      continue;
    if (!table.has(name)) table.set(name, Number(id));
  }
  return table;
}
