import { readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isMetadataExpired } from "../config/metadata-expire.js";
import type { ResolvedRepoUrls } from "../config/resolve-urls.js";
import { RepoErrorCode, repoError } from "../errors.js";
import { writeFileAtomic } from "./cache-dir.js";

/** File in a repository's cache directory listing the base URLs last used (for loads without a request). */
export const MIRRORS_FILE = "baseurls.txt";

/**
 * File in a repository's cache directory holding the last repomd.xml fetched. Its modification time
 * is the time of the last successful check with the server (`metadata_expire` counts from it).
 */
export const REPOMD_FILE = "repomd.xml";

/** repomd.xml as fetched or cached, with the mirrors to use from now on. */
export interface FetchedRepomd {
  /** Base URLs (each ending in `/`), the one that answered first. */
  baseUrls: string[];
  /** The file's bytes. */
  bytes: Buffer;
  /** Where it came from. */
  url: string;
}

/**
 * The cached repomd.xml (for `offline` loads), whatever its age.
 *
 * @param repoId - repository id
 * @param cacheDir - the repository's cache directory
 * @param urls - the repository's resolved URLs (their base URLs are used when no mirror list is cached)
 * @throws GroveError `REPO_NOT_FOUND` when nothing is cached
 */
export async function readCachedRepomd(
  repoId: string,
  cacheDir: string | undefined,
  urls: ResolvedRepoUrls,
): Promise<FetchedRepomd> {
  const file = cacheDir === undefined ? "" : path.join(cacheDir, REPOMD_FILE);
  try {
    if (cacheDir === undefined) throw new Error("no cache directory");
    return await readRepomdFile(cacheDir, await readFile(file), urls);
  } catch (err) {
    throw repoError(RepoErrorCode.notFound, repoId, file, "offline, and no cached repomd.xml", {
      hint: "load the repository once while online",
      cause: err,
    });
  }
}

/**
 * The cached repomd.xml when its last successful check is younger than `metadata_expire`, else
 * `undefined` (also when nothing is cached or the file cannot be read).
 *
 * @param cacheDir - the repository's cache directory
 * @param expireSeconds - the repository's `metadata_expire` (`-1`: never expires, `0`: always expired)
 * @param urls - the repository's resolved URLs
 * @param now - the current time in milliseconds since the epoch
 */
export async function readUnexpiredRepomd(
  cacheDir: string,
  expireSeconds: number,
  urls: ResolvedRepoUrls,
  now: number = Date.now(),
): Promise<FetchedRepomd | undefined> {
  if (expireSeconds === 0) return undefined;
  const file = path.join(cacheDir, REPOMD_FILE);
  try {
    // Synchronous reads of small local files: no thread-pool round trips on the warm path.
    const info = statSync(file);
    if (isMetadataExpired(now - info.mtimeMs, expireSeconds)) return undefined;
    return await readRepomdFile(cacheDir, readFileSync(file), urls);
  } catch {
    return undefined;
  }
}

/**
 * Record a successful check with the server: the mirror order, then repomd.xml (each written
 * atomically: a concurrent or killed process never leaves a half-written file), so repomd.xml's
 * modification time is the time of this check even when its content did not change. Call it only
 * once the parsed metadata for this repomd.xml is in the cache, so that an unexpired repomd.xml
 * always has its parsed metadata next to it (unless a concurrent process replaced it since).
 *
 * @param cacheDir - the repository's cache directory
 * @param fetched - what the server answered
 * @param repoId - repository id, for errors
 * @throws GroveError `REPO_CACHE_WRITE`
 */
export async function recordRepomdCheck(cacheDir: string, fetched: FetchedRepomd, repoId: string): Promise<void> {
  await writeFileAtomic(path.join(cacheDir, MIRRORS_FILE), `${fetched.baseUrls.join("\n")}\n`, repoId);
  await writeFileAtomic(path.join(cacheDir, REPOMD_FILE), fetched.bytes, repoId);
}

async function readRepomdFile(cacheDir: string, bytes: Buffer, urls: ResolvedRepoUrls): Promise<FetchedRepomd> {
  let listed = "";
  try {
    listed = readFileSync(path.join(cacheDir, MIRRORS_FILE), "utf8");
  } catch {
    // no mirror list recorded
  }
  const baseUrls = listed.split("\n").filter((line) => line !== "");
  return { baseUrls: baseUrls.length > 0 ? baseUrls : urls.baseUrls, bytes, url: path.join(cacheDir, REPOMD_FILE) };
}
