import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { pruneRepoCache, readBinaryCache, repoCacheDir, writeBinaryCache, writeFileAtomic } from "./cache/cache-dir.js";
import { decodePackageTable, encodePackageTable } from "./cache/table-codec.js";
import type { RepoConfig } from "./config/repo-config.js";
import { defaultVariables, type RepoVariables, substituteVariables, unresolvedVariables } from "./config/variables.js";
import { RepoErrorCode, repoError } from "./errors.js";
import { assertChecksum, type Checksum, hashAlgorithm } from "./fetch/checksum.js";
import { parseMirrorList } from "./fetch/mirrors.js";
import { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS, withRetries } from "./fetch/retry.js";
import { DEFAULT_TIMEOUT_MS, fetchBytes, type TransportOptions } from "./fetch/transport.js";
import { parseMetadataFile } from "./metadata/metadata-file.js";
import { createPrimaryParser, type PrimaryParse } from "./metadata/primary-parser.js";
import { parseRepomd } from "./metadata/repomd.js";
import { excludedMask } from "./model/exclude.js";
import type { PackageTable } from "./model/package-table.js";
import { PackageTableBuilder } from "./model/package-table-builder.js";
import { type RepoNetworkOptions, Repository } from "./repository.js";
import { withTrailingSlash } from "./urls.js";

/** File in a repository's cache directory listing the base URLs last used (for offline loads). */
const MIRRORS_FILE = "baseurls.txt";

/** Options of {@link loadRepo}. */
export interface LoadRepoOptions extends RepoNetworkOptions {
  /**
   * Cache directory. Downloaded metadata and parsed package tables are kept under
   * `<cacheDir>/repos/<id>-<hash>/`, keyed by repomd.xml's checksum, so loading an unchanged
   * repository again costs one request (repomd.xml) and no parsing. Without it nothing is kept.
   */
  cacheDir?: string;
  /** Values for `$arch`, `$basearch`, `$releasever`, ... (default: this machine's arch, no releasever). */
  vars?: RepoVariables;
  /** Extra package patterns to hide in every repository (like dnf's global `exclude`). */
  exclude?: readonly string[];
  /** Use the cached repomd.xml instead of asking the server (fails when nothing is cached). */
  offline?: boolean;
}

/** The URLs a repository definition resolves to. */
export interface ResolvedRepoUrls {
  /** Base URLs (each ending in `/`). */
  baseUrls: string[];
  /** Mirrorlist URL, if any. */
  mirrorlist?: string;
  /** Metalink URL, if any. */
  metalink?: string;
}

/**
 * Substitute `$variables` in a repository's URLs.
 *
 * @param config - the repository definition
 * @param vars - variable values
 * @throws GroveError `REPO_UNRESOLVED_VARIABLE` when a URL uses a variable without a value,
 *   `REPO_NO_URL` when there is no baseurl, mirrorlist or metalink
 */
export function resolveRepoUrls(config: RepoConfig, vars: RepoVariables): ResolvedRepoUrls {
  const resolve = (text: string): string => {
    const out = substituteVariables(text, vars);
    const missing = unresolvedVariables(out);
    if (missing.length > 0) {
      throw repoError(
        RepoErrorCode.unresolvedVariable,
        config.id,
        text,
        `no value for ${missing.map((m) => `$${m}`).join(", ")}`,
        { hint: missing.includes("releasever") ? 'pass releasever (e.g. vars: { releasever: "9" })' : undefined },
      );
    }
    return out;
  };
  const resolved: ResolvedRepoUrls = { baseUrls: config.baseurl.map((url) => withTrailingSlash(resolve(url))) };
  if (config.mirrorlist !== undefined) resolved.mirrorlist = resolve(config.mirrorlist);
  if (config.metalink !== undefined) resolved.metalink = resolve(config.metalink);
  if (resolved.baseUrls.length === 0 && resolved.mirrorlist === undefined && resolved.metalink === undefined) {
    throw repoError(RepoErrorCode.noUrl, config.id, "", "no baseurl, mirrorlist or metalink is set");
  }
  return resolved;
}

/**
 * Load a repository: fetch repomd.xml, then (unless the parsed cache already has this repomd
 * revision) fetch, verify and parse primary.xml. Every file's checksum is verified before use.
 *
 * @param config - the repository definition
 * @param options - cache directory, variables, network settings
 * @returns the loaded repository
 * @throws GroveError naming the repository and URL (`REPO_NOT_FOUND`, `REPO_HTTP_STATUS`, `REPO_TIMEOUT`,
 *   `REPO_NETWORK`, `REPO_CHECKSUM_MISMATCH`, `REPO_BAD_XML`, `REPO_BAD_METADATA`, ...)
 */
export async function loadRepo(config: RepoConfig, options: LoadRepoOptions = {}): Promise<Repository> {
  const vars = options.vars ?? defaultVariables();
  const urls = resolveRepoUrls(config, vars);
  const network: RepoNetworkOptions = {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retries: options.retries ?? DEFAULT_RETRIES,
    retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const transport: TransportOptions = { ...network, repoId: config.id, timeoutMs: network.timeoutMs as number };
  const sources = [...urls.baseUrls, urls.mirrorlist ?? "", urls.metalink ?? ""];
  const cacheDir = options.cacheDir === undefined ? undefined : repoCacheDir(options.cacheDir, config.id, sources);

  let fetched: { baseUrls: string[]; bytes: Buffer; url: string };
  if (options.offline === true) fetched = await readCachedRepomd(config.id, cacheDir, urls);
  else {
    const mirrors = await findMirrors(config.id, urls, transport);
    fetched = await fetchRepomd(mirrors.baseUrls, transport);
    verifyAgainstMetalink(mirrors.repomdChecksums, fetched.bytes, config.id, fetched.url);
  }
  const repomdChecksum = createHash("sha256").update(fetched.bytes).digest("hex");
  const repomd = parseRepomd(fetched.bytes.toString("utf8"), config.id, fetched.url);

  let packages: PackageTable | undefined;
  const warnings: string[] = [];
  const cacheFile = cacheDir === undefined ? undefined : path.join(cacheDir, `${repomdChecksum}.primary.bin`);
  if (cacheFile !== undefined) {
    const content = await readBinaryCache(cacheFile, "primary");
    packages = content === undefined ? undefined : decodePackageTable(content);
    const cachedWarnings = content?.meta.warnings;
    if (packages !== undefined && Array.isArray(cachedWarnings)) warnings.push(...cachedWarnings.map(String));
  }
  const fromCache = packages !== undefined;
  if (packages === undefined) {
    const record = repomd.records.get("primary");
    if (record === undefined) packages = new PackageTableBuilder().finish();
    else {
      let parse: PrimaryParse | undefined;
      const source = { repoId: config.id, baseUrls: fetched.baseUrls, cacheDir, network, warnings };
      await parseMetadataFile(source, record, (url) => {
        parse = createPrimaryParser(config.id, url);
        return parse.parser;
      });
      packages = (parse as PrimaryParse).finish();
    }
    // Round-trip through the cache encoding: the table kept in memory is then exactly what a cache
    // hit loads, and holds no slices of the parser's input chunks.
    const content = encodePackageTable(packages, { repomd: repomdChecksum, warnings });
    packages = decodePackageTable(content) ?? packages;
    if (cacheDir !== undefined && cacheFile !== undefined) {
      await writeFileAtomic(path.join(cacheDir, "repomd.xml"), fetched.bytes, config.id);
      await writeFileAtomic(path.join(cacheDir, MIRRORS_FILE), `${fetched.baseUrls.join("\n")}\n`, config.id);
      await writeBinaryCache(cacheFile, content, config.id);
      const keep = new Set([...repomd.records.values()].map((r) => path.posix.basename(r.href)));
      await pruneRepoCache(cacheDir, repomdChecksum, keep);
    }
  }
  const excluded = excludedMask(packages, [...config.exclude, ...(options.exclude ?? [])], config.includepkgs);
  return new Repository({
    config,
    baseUrls: fetched.baseUrls,
    repomd,
    repomdChecksum,
    packages,
    excluded,
    fromCache,
    cacheDir,
    network,
    warnings,
  });
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

async function fetchRepomd(
  baseUrls: readonly string[],
  transport: TransportOptions,
): Promise<{ baseUrls: string[]; bytes: Buffer; url: string }> {
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
): Promise<{ baseUrls: string[]; bytes: Buffer; url: string }> {
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
