import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pruneRepoCache, readBinaryCache, repoCacheDir, writeBinaryCache } from "./cache/cache-dir.js";
import {
  type FetchedRepomd,
  REPOMD_FILE,
  readCachedRepomd,
  readUnexpiredRepomd,
  recordRepomdCheck,
} from "./cache/repomd-cache.js";
import { decodePackageTable, encodePackageTable } from "./cache/table-codec.js";
import { DEFAULT_METADATA_EXPIRE } from "./config/metadata-expire.js";
import type { RepoConfig } from "./config/repo-config.js";
import { type ResolvedRepoUrls, resolveRepoUrls } from "./config/resolve-urls.js";
import { defaultVariables, type RepoVariables } from "./config/variables.js";
import type { TransportOptions } from "./fetch/transport.js";
import type { PrimaryParse } from "./metadata/primary-parser.js";
import { parseRepomd, type Repomd } from "./metadata/repomd.js";
import { excludedMask } from "./model/exclude.js";
import type { PackageTable } from "./model/package-table.js";
import { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS, DEFAULT_TIMEOUT_MS } from "./network-defaults.js";
import { type RepoNetworkOptions, Repository } from "./repository.js";

/** Options of {@link loadRepo}. */
export interface LoadRepoOptions extends RepoNetworkOptions {
  /**
   * Cache directory. Downloaded metadata and parsed package tables are kept under
   * `<cacheDir>/repos/<id>-<hash>/`, keyed by repomd.xml's checksum. While the repository's metadata
   * has not expired (`metadata_expire`, see {@link LoadRepoOptions.metadataExpire}) a load makes no
   * request and parses nothing; after that, an unchanged repository costs one request (repomd.xml).
   * Without it nothing is kept and every load fetches everything.
   */
  cacheDir?: string;
  /** Values for `$arch`, `$basearch`, `$releasever`, ... (default: this machine's arch, no releasever). */
  vars?: RepoVariables;
  /** Extra package patterns to hide in every repository (like dnf's global `exclude`). */
  exclude?: readonly string[];
  /**
   * Never ask the server: use the cached repomd.xml whatever its age (fails when nothing is cached).
   * Wins over `refresh`.
   */
  offline?: boolean;
  /**
   * Ask the server for repomd.xml even when the cached metadata has not expired, like dnf's
   * `--refresh` (metadata and parsed tables are still reused when repomd.xml did not change).
   */
  refresh?: boolean;
  /**
   * `metadata_expire` in seconds for repositories whose definition sets none (`-1`: never expires,
   * `0`: ask the server on every load). Default 172800 (48 hours, dnf's default).
   */
  metadataExpire?: number;
}

/** The package table for one repomd.xml revision. */
interface ParsedPrimary {
  packages: PackageTable;
  warnings: string[];
  /** True when it came from the parsed-metadata cache. */
  fromCache: boolean;
}

/**
 * Load a repository. With a cache directory whose metadata for this repository has not expired
 * (`metadata_expire` of the definition, else `options.metadataExpire`, else 48 hours), the cached
 * repomd.xml and parsed package table are used without any request (no network code is even
 * loaded). Otherwise repomd.xml is fetched and, unless the parsed cache already has that revision,
 * primary.xml is fetched, verified and parsed. Every file's checksum is verified before use.
 *
 * @param config - the repository definition
 * @param options - cache directory, variables, expiry, network settings
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
  const sources = [...urls.baseUrls, urls.mirrorlist ?? "", urls.metalink ?? ""];
  const cacheDir = options.cacheDir === undefined ? undefined : repoCacheDir(options.cacheDir, config.id, sources);
  const offline = options.offline === true;
  const loaded = { config, options, cacheDir, network };

  if (cacheDir !== undefined && !offline && options.refresh !== true) {
    const expire = config.metadataExpire ?? options.metadataExpire ?? DEFAULT_METADATA_EXPIRE;
    const cached = await readUnexpiredRepomd(cacheDir, expire, urls);
    if (cached !== undefined) {
      const checksum = checksumOf(cached.bytes);
      const parsed = await readParsedCache(cacheDir, checksum);
      // Both must be there: a repomd.xml whose parsed table is gone (pruned by a concurrent load of a
      // newer revision, or deleted) is checked with the server like an expired one.
      if (parsed !== undefined) {
        const repomd = parseRepomd(cached.bytes.toString("utf8"), config.id, cached.url);
        return repository(loaded, cached, checksum, repomd, parsed);
      }
    }
  }

  const fetched = offline
    ? await readCachedRepomd(config.id, cacheDir, urls)
    : await fetchRepomd(config.id, urls, network);
  const checksum = checksumOf(fetched.bytes);
  const repomd = parseRepomd(fetched.bytes.toString("utf8"), config.id, fetched.url);
  let parsed = cacheDir === undefined ? undefined : await readParsedCache(cacheDir, checksum);
  if (parsed === undefined) parsed = await parsePrimary(loaded, fetched, checksum, repomd);
  if (cacheDir !== undefined) {
    // The server was asked: the check time starts again. Written after the parsed table, so an
    // unexpired repomd.xml has its table; old revisions are deleted only after that.
    if (!offline) await recordRepomdCheck(cacheDir, fetched, config.id);
    if (!parsed.fromCache) {
      const keep = new Set([...repomd.records.values()].map((r) => path.posix.basename(r.href)));
      // A concurrent load may have recorded another revision since: its parsed table stays too.
      const recorded = await readFile(path.join(cacheDir, REPOMD_FILE)).then(checksumOf, () => checksum);
      await pruneRepoCache(cacheDir, recorded === checksum ? [checksum] : [checksum, recorded], keep);
    }
  }
  return repository(loaded, fetched, checksum, repomd, parsed);
}

/** What every step of {@link loadRepo} shares. */
interface LoadContext {
  config: RepoConfig;
  options: LoadRepoOptions;
  cacheDir: string | undefined;
  network: RepoNetworkOptions;
}

function checksumOf(repomd: Buffer): string {
  return createHash("sha256").update(repomd).digest("hex");
}

function parsedCacheFile(cacheDir: string, repomdChecksum: string): string {
  return path.join(cacheDir, `${repomdChecksum}.primary.bin`);
}

async function readParsedCache(cacheDir: string, repomdChecksum: string): Promise<ParsedPrimary | undefined> {
  const content = await readBinaryCache(parsedCacheFile(cacheDir, repomdChecksum), "primary");
  const packages = content === undefined ? undefined : decodePackageTable(content);
  if (content === undefined || packages === undefined) return undefined;
  const warnings = content.meta.warnings;
  return {
    packages,
    warnings: Array.isArray(warnings) ? warnings.map(String) : [],
    fromCache: true,
  };
}

async function fetchRepomd(
  repoId: string,
  urls: ResolvedRepoUrls,
  network: RepoNetworkOptions,
): Promise<FetchedRepomd> {
  // Loaded only when the server is asked: a load from unexpired metadata needs no network code.
  const { obtainRepomd } = await import("./fetch/repomd-fetch.js");
  const transport: TransportOptions = { ...network, repoId, timeoutMs: network.timeoutMs as number };
  return obtainRepomd(repoId, urls, transport);
}

/** Fetch, verify and parse primary.xml for `fetched`; with a cache directory, store the parsed table. */
async function parsePrimary(
  loaded: LoadContext,
  fetched: FetchedRepomd,
  repomdChecksum: string,
  repomd: Repomd,
): Promise<ParsedPrimary> {
  const { config, cacheDir, network } = loaded;
  // Loaded on a cache miss only: the XML parsers are not needed while the parsed cache is valid.
  const [{ parseMetadataFile }, { createPrimaryParser }, { PackageTableBuilder }] = await Promise.all([
    import("./metadata/metadata-file.js"),
    import("./metadata/primary-parser.js"),
    import("./model/package-table-builder.js"),
  ]);
  const warnings: string[] = [];
  let packages: PackageTable;
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
  // The parsed table is used as it is (its strings are decoded copies, no slices of the parser's
  // input); encoding it for the cache also builds its string hash index.
  const content = encodePackageTable(packages, { repomd: repomdChecksum, warnings });
  if (cacheDir !== undefined) await writeBinaryCache(parsedCacheFile(cacheDir, repomdChecksum), content, config.id);
  return { packages, warnings, fromCache: false };
}

function repository(
  loaded: LoadContext,
  fetched: FetchedRepomd,
  repomdChecksum: string,
  repomd: Repomd,
  parsed: ParsedPrimary,
): Repository {
  const { config, options } = loaded;
  const excluded = excludedMask(parsed.packages, [...config.exclude, ...(options.exclude ?? [])], config.includepkgs);
  return new Repository({
    config,
    baseUrls: fetched.baseUrls,
    repomd,
    repomdChecksum,
    packages: parsed.packages,
    excluded,
    fromCache: parsed.fromCache,
    cacheDir: loaded.cacheDir,
    network: loaded.network,
    warnings: parsed.warnings,
  });
}
