/**
 * The one real content change an update package carries: a new entry on top of its Debian changelog (or, for a
 * package without one, a line appended to its copyright file), so the updated file's digest really differs.
 * @packageDocumentation
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { GroveError } from "@grove/core";
import type { DebFileEntry } from "./deb-package.js";

/** The release suffix an update appends (`2+b13` becomes `2+b13.1`, which rpm sorts after `2+b13`). */
export const UPDATE_RELEASE_SUFFIX = ".1";

/** What was changed. */
export interface ContentChange {
  /** The changed path. */
  path: string;
  /** Its size before and after. */
  sizeBefore: number;
  /** Its size after the change. */
  sizeAfter: number;
}

/** The changelog entry added on top of the package's changelog. */
function changelogEntry(name: string, version: string): string {
  return [
    `${name} (${version}${UPDATE_RELEASE_SUFFIX}) bookworm; urgency=medium`,
    "",
    "  * grove corpus update: rebuilt with a bumped release for the upgrade benchmark.",
    "",
    " -- grove corpus <corpus@grove.invalid>  Wed, 01 Jan 2025 00:00:00 +0000",
    "",
    "",
  ].join("\n");
}

/** The regular (non-hard-linked) file at `p`, if the package ships one. */
function regularFile(entries: readonly DebFileEntry[], p: string): DebFileEntry | undefined {
  return entries.find((e) => e.path === p && e.type === "file" && !entries.some((h) => h.linkTarget === p));
}

/**
 * Change one file of the staged tree in place and update its entry's size.
 * @param stageDir - the extracted tree
 * @param entries - its members (the changed entry's `size` is updated)
 * @param name - package name
 * @param debianVersion - the package's Debian version (named in the changelog entry)
 * @throws GroveError `CORPUS_NOTHING_TO_CHANGE` when the package has neither a changelog nor a copyright file.
 */
export async function applyContentChange(
  stageDir: string,
  entries: DebFileEntry[],
  name: string,
  debianVersion: string,
): Promise<ContentChange> {
  const docDir = `/usr/share/doc/${name}`;
  const changelog = regularFile(entries, `${docDir}/changelog.Debian.gz`);
  if (changelog !== undefined) {
    const onDisk = path.join(stageDir, changelog.path);
    const before = await readFile(onDisk);
    const text = Buffer.concat([Buffer.from(changelogEntry(name, debianVersion)), gunzipSync(before)]);
    await writeFile(onDisk, gzipSync(text, { level: 9 }));
    return finish(stageDir, changelog, before.length);
  }
  const copyright = regularFile(entries, `${docDir}/copyright`);
  if (copyright !== undefined) {
    const onDisk = path.join(stageDir, copyright.path);
    const before = await readFile(onDisk);
    await writeFile(onDisk, Buffer.concat([before, Buffer.from("\n# grove corpus update\n")]));
    return finish(stageDir, copyright, before.length);
  }
  throw new GroveError(
    "CORPUS_NOTHING_TO_CHANGE",
    `${name}: no ${docDir}/changelog.Debian.gz or ${docDir}/copyright to change for the update`,
    { subject: name },
  );
}

async function finish(stageDir: string, entry: DebFileEntry, sizeBefore: number): Promise<ContentChange> {
  const sizeAfter = (await stat(path.join(stageDir, entry.path))).size;
  entry.size = sizeAfter;
  return { path: entry.path, sizeBefore, sizeAfter };
}
