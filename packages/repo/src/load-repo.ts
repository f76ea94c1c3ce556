import { createHash } from "node:crypto";
import path from "node:path";
import { pruneRepoCache, readBinaryCache, repoCacheDir, writeBinaryCache, writeFileAtomic } from "./cache/cache-dir.js";
import { decodePackageTable, encodePackageTable } from "./cache/table-codec.js";
import type { RepoConfig } from "./config/repo-config.js";
import { resolveRepoUrls } from "./config/resolve-urls.js";
import { defaultVariables, type RepoVariables } from "./config/variables.js";
import { MIRRORS_FILE, obtainRepomd } from "./fetch/repomd-fetch.js";
import { DEFAULT_RETRIES, DEFAULT_RETRY_DELAY_MS } from "./fetch/retry.js";
import { DEFAULT_TIMEOUT_MS, type TransportOptions } from "./fetch/transport.js";
import type { PrimaryParse } from "./metadata/primary-parser.js";
import { parseRepomd } from "./metadata/repomd.js";
import { excludedMask } from "./model/exclude.js";
import type { PackageTable } from "./model/package-table.js";
import { type RepoNetworkOptions, Repository } from "./repository.js";

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

  const fetched = await obtainRepomd(config.id, urls, transport, options.offline === true, cacheDir);
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
    // Loaded on a cache miss only: the XML parsers are not needed while the parsed cache is valid.
    const [{ parseMetadataFile }, { createPrimaryParser }, { PackageTableBuilder }] = await Promise.all([
      import("./metadata/metadata-file.js"),
      import("./metadata/primary-parser.js"),
      import("./model/package-table-builder.js"),
    ]);
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
    if (cacheDir !== undefined && cacheFile !== undefined) {
      // Independent files: written concurrently.
      await Promise.all([
        writeFileAtomic(path.join(cacheDir, "repomd.xml"), fetched.bytes, config.id),
        writeFileAtomic(path.join(cacheDir, MIRRORS_FILE), `${fetched.baseUrls.join("\n")}\n`, config.id),
        writeBinaryCache(cacheFile, content, config.id),
      ]);
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
