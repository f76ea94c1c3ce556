import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { RepoErrorCode, repoError } from "../errors.js";
import { type BinaryContent, decodeBinaryFile, encodeBinaryFile } from "./binary-file.js";

/**
 * The cache directory of one repository: `<cacheDir>/repos/<id>-<hash of its URLs>/`. Different URL
 * sets under the same id get different directories, so a changed baseurl never reuses stale data.
 *
 * @param cacheDir - the grove cache directory
 * @param repoId - repository id
 * @param sources - the repository's URL sources (base URLs, mirrorlist, metalink), after substitution
 */
export function repoCacheDir(cacheDir: string, repoId: string, sources: readonly string[]): string {
  const hash = createHash("sha256").update(sources.join("\n")).digest("hex").slice(0, 12);
  return path.join(cacheDir, "repos", `${repoId}-${hash}`);
}

/**
 * Write a file atomically (temporary file in the same directory, then rename).
 *
 * @param file - destination path
 * @param data - content
 * @param repoId - repository id for the error message
 * @throws GroveError `REPO_CACHE_WRITE`
 */
export async function writeFileAtomic(file: string, data: string | Buffer | Buffer[], repoId: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // An array is written chunk by chunk (writeFile takes an iterable), without concatenating.
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw repoError(RepoErrorCode.cacheWrite, repoId, file, `cannot write the cache: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/**
 * Read a binary cache file, or `undefined` when it is absent, damaged or of another format version.
 *
 * @param file - path
 * @param kind - expected kind
 */
export async function readBinaryCache(file: string, kind: string): Promise<BinaryContent | undefined> {
  let data: Buffer;
  try {
    // Synchronous: a local file read at once, without a wait for libuv's thread pool (every warm command reads it).
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    return decodeBinaryFile(data, kind);
  } catch {
    return undefined;
  }
}

/**
 * Write a binary cache file atomically.
 *
 * @param file - path
 * @param content - what to store
 * @param repoId - repository id for errors
 */
export async function writeBinaryCache(file: string, content: BinaryContent, repoId: string): Promise<void> {
  await writeFileAtomic(file, encodeBinaryFile(content), repoId);
}

/**
 * Delete parsed-metadata files of other repomd revisions and downloaded metadata files no longer
 * referenced, so each repository keeps one revision in its cache.
 *
 * @param dir - the repository cache directory
 * @param keys - the repomd checksums whose parsed files stay (the current one, and the one a
 *   concurrent load may just have recorded)
 * @param keepFiles - names under `repodata/` still referenced by the current repomd
 */
export async function pruneRepoCache(
  dir: string,
  keys: readonly string[],
  keepFiles: ReadonlySet<string>,
): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.endsWith(".bin") && !keys.some((key) => name.startsWith(`${key}.`))) {
      await rm(path.join(dir, name), { force: true });
    }
  }
  const metadataDir = path.join(dir, "repodata");
  for (const name of await readdir(metadataDir).catch(() => [] as string[])) {
    if (!keepFiles.has(name) && !name.includes(".part-")) await rm(path.join(metadataDir, name), { force: true });
  }
}
