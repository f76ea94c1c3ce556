/**
 * Managing a corpus output directory: refusing to touch directories the builder did not create, clearing the
 * previous result, and placing packages the way Fedora mirrors do (`Packages/<first letter>/<file>.rpm`).
 * @packageDocumentation
 */
import { copyFile, link, mkdir, readdir, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { SOURCE_DATE_EPOCH } from "./rpm-build.js";

/** The manifest file every corpus output directory has. */
export const MANIFEST_FILE = "corpus.json";

const OWNED = new Set([MANIFEST_FILE, "Packages", "repodata", "comps.xml"]);

/**
 * Prepare `outDir` for a new result: create it, or clear what a previous run wrote there. A placeholder manifest
 * (`{"kind":"incomplete"}`) marks it as ours until the real one replaces it.
 * @throws GroveError `CORPUS_OUTDIR_NOT_OURS` when it holds files and no corpus manifest (it is not ours to clear).
 */
export async function prepareOutputDir(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const names = await readdir(outDir);
  if (names.length > 0 && !names.includes(MANIFEST_FILE)) {
    throw new GroveError(
      "CORPUS_OUTDIR_NOT_OURS",
      `${outDir}: not empty and has no ${MANIFEST_FILE}; refusing to clear it`,
      { subject: outDir, hint: "name an empty or new directory, or one a previous make-corpus run wrote" },
    );
  }
  for (const name of names) {
    if (OWNED.has(name)) await rm(path.join(outDir, name), { recursive: true, force: true });
  }
  await writeFile(path.join(outDir, MANIFEST_FILE), `${JSON.stringify({ kind: "incomplete" })}\n`);
}

/** Where a package file goes inside the repository. */
export function packageLocation(rpmFile: string): string {
  return path.join("Packages", (rpmFile[0] ?? "_").toLowerCase(), rpmFile);
}

/**
 * Place a cached package into the repository: a hard link when the cache is on the same file system, a copy
 * otherwise. The file's mtime is set to the corpus's SOURCE_DATE_EPOCH first (createrepo_c records it).
 */
export async function placePackage(cachedRpm: string, outDir: string, rpmFile: string): Promise<string> {
  const target = path.join(outDir, packageLocation(rpmFile));
  await mkdir(path.dirname(target), { recursive: true });
  await utimes(cachedRpm, SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH);
  try {
    await link(cachedRpm, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EXDEV") throw err;
    await copyFile(cachedRpm, target);
    await utimes(target, SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH);
  }
  return target;
}
