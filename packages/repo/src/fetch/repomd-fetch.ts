import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core/store";
import type { ResolvedRepoUrls } from "../config/resolve-urls.js";
import { RepoErrorCode, repoError } from "../errors.js";
import { assertChecksum, type Checksum, hashAlgorithm } from "./checksum.js";
import { parseMirrorList } from "./mirrors.js";
import { withRetries } from "./retry.js";
import { fetchBytes, type TransportOptions } from "./transport.js";

/** File in a repository's cache directory listing the base URLs last used (for offline loads). */
export const MIRRORS_FILE = "baseurls.txt";

/** repomd.xml as fetched, with the mirrors to use from now on. */
export interface FetchedRepomd {
  /** Base URLs (each ending in `/`), the one that answered first. */
  baseUrls: string[];
  /** The file's bytes. */
  bytes: Buffer;
  /** Where it came from. */
  url: string;
}

/**
 * Fetch repomd.xml: from the base URLs in order, or from the mirrors a metalink/mirrorlist names
 * (checked against the metalink's hashes), retrying transient failures; or, `offline`, from the cache.
 *
 * @param repoId - repository id
 * @param urls - the repository's resolved URLs
 * @param transport - network settings (with retry options)
 * @param offline - read the copy in `cacheDir` instead
 * @param cacheDir - the repository's cache directory
 */
export async function obtainRepomd(
  repoId: string,
  urls: ResolvedRepoUrls,
  transport: TransportOptions & { retries?: number; retryDelayMs?: number },
  offline: boolean,
  cacheDir: string | undefined,
): Promise<FetchedRepomd> {
  if (offline) return readCachedRepomd(repoId, cacheDir, urls);
  const mirrors = await findMirrors(repoId, urls, transport);
  const fetched = await fetchRepomd(mirrors.baseUrls, transport);
  verifyAgainstMetalink(mirrors.repomdChecksums, fetched.bytes, repoId, fetched.url);
  return fetched;
}

async function findMirrors(
  repoId: string,
  urls: ResolvedRepoUrls,
  transport: TransportOptions,
): Promise<{ baseUrls: string[]; repomdChecksums: Checksum[] }> {
  if (urls.baseUrls.length > 0) return { baseUrls: urls.baseUrls, repomdChecksums: [] };
  const listUrl = (urls.metalink ?? urls.mirrorlist) as string;
  const bytes = await withRetries(() => fetchBytes(listUrl, transport, 16 << 20), transport);
  return parseMirrorList(bytes.toString("utf8"), repoId, listUrl);
}

async function fetchRepomd(baseUrls: readonly string[], transport: TransportOptions): Promise<FetchedRepomd> {
  const failures: GroveError[] = [];
  for (let i = 0; i < baseUrls.length; i++) {
    const base = baseUrls[i] as string;
    const url = `${base}repodata/repomd.xml`;
    try {
      const bytes = await withRetries(() => fetchBytes(url, transport, 16 << 20), transport);
      // The mirror that answered goes first for every later request.
      return { baseUrls: [base, ...baseUrls.filter((_, j) => j !== i)], bytes, url };
    } catch (err) {
      if (!(err instanceof GroveError)) throw err;
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0];
  const last = failures[failures.length - 1];
  const prefix = `repo "${transport.repoId}": `;
  throw new GroveError(
    last?.code ?? RepoErrorCode.noUrl,
    `${prefix}no mirror answered for repomd.xml: ${failures.map((f) => f.message.replace(prefix, "")).join("; ")}`,
    { ...(last?.subject === undefined ? {} : { subject: last.subject }), cause: last },
  );
}

function verifyAgainstMetalink(checksums: readonly Checksum[], bytes: Buffer, repoId: string, url: string): void {
  const usable = checksums.filter((c) => hashAlgorithm(c.type) !== undefined);
  if (usable.length === 0) return;
  const strongest = ["sha512", "sha384", "sha256", "sha224", "sha1", "sha", "md5"].find((t) =>
    usable.some((c) => c.type === t),
  ) as string;
  const candidates = usable.filter((c) => c.type === strongest);
  const actual = createHash(hashAlgorithm(strongest) as string)
    .update(bytes)
    .digest("hex");
  if (candidates.some((c) => c.value === actual)) return;
  assertChecksum(candidates[0] as Checksum, actual, repoId, url, "repomd.xml checksum (from the metalink)");
}

async function readCachedRepomd(
  repoId: string,
  cacheDir: string | undefined,
  urls: ResolvedRepoUrls,
): Promise<FetchedRepomd> {
  const file = cacheDir === undefined ? "" : path.join(cacheDir, "repomd.xml");
  try {
    if (cacheDir === undefined) throw new Error("no cache directory");
    const bytes = await readFile(file);
    const listed = await readFile(path.join(cacheDir, MIRRORS_FILE), "utf8").catch(() => "");
    const baseUrls = listed.split("\n").filter((line) => line !== "");
    return { baseUrls: baseUrls.length > 0 ? baseUrls : urls.baseUrls, bytes, url: file };
  } catch (err) {
    throw repoError(RepoErrorCode.notFound, repoId, file, "offline, and no cached repomd.xml", {
      hint: "load the repository once while online",
      cause: err,
    });
  }
}
