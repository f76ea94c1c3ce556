import { createHash } from "node:crypto";
import { GroveError } from "@grove/core/store";
import type { FetchedRepomd } from "../cache/repomd-cache.js";
import type { ResolvedRepoUrls } from "../config/resolve-urls.js";
import { RepoErrorCode } from "../errors.js";
import { assertChecksum, type Checksum, hashAlgorithm } from "./checksum.js";
import { parseMirrorList } from "./mirrors.js";
import { withRetries } from "./retry.js";
import { fetchBytes, type TransportOptions } from "./transport.js";

/**
 * Fetch repomd.xml from the server: from the base URLs in order, or from the mirrors a
 * metalink/mirrorlist names (checked against the metalink's hashes), retrying transient failures.
 * (Reading the cached copy is `cache/repomd-cache.ts`, which loads no network code.)
 *
 * @param repoId - repository id
 * @param urls - the repository's resolved URLs
 * @param transport - network settings (with retry options)
 */
export async function obtainRepomd(
  repoId: string,
  urls: ResolvedRepoUrls,
  transport: TransportOptions & { retries?: number; retryDelayMs?: number },
): Promise<FetchedRepomd> {
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
