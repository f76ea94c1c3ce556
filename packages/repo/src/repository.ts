import type { RepoConfig } from "./config/repo-config.js";
import type { RetryOptions } from "./fetch/retry.js";
import { loadFilelists } from "./load-filelists.js";
import type { Repomd } from "./metadata/repomd.js";
import type { FileLists } from "./model/file-lists.js";
import type { PackageTable } from "./model/package-table.js";
import { packageAt, type RepoPackage } from "./model/repo-package.js";
import { TablePackage } from "./model/table-package.js";
import { isAbsoluteUrl, resolveHref } from "./urls.js";

/** Network settings a repository keeps for later requests (filelists, packages). */
export interface RepoNetworkOptions extends RetryOptions {
  /** Milliseconds to wait for a response, and for each next piece of a body (default 30 s). */
  timeoutMs?: number;
  /** The `fetch` to use (default: the global one). */
  fetch?: typeof globalThis.fetch;
  /** Cancels requests. */
  signal?: AbortSignal;
}

/** Everything {@link Repository}'s constructor needs. */
export interface RepositoryInit {
  /** The definition it was loaded from. */
  config: RepoConfig;
  /** Base URLs (each ending in `/`), the one that answered first. */
  baseUrls: string[];
  /** The parsed repomd.xml. */
  repomd: Repomd;
  /** sha256 of repomd.xml: the key of the parsed-metadata cache. */
  repomdChecksum: string;
  /** The primary metadata. */
  packages: PackageTable;
  /** Mask of packages hidden by exclude/includepkgs (1 = hidden), when any. */
  excluded: Uint8Array | undefined;
  /** True when the packages came from grove's parsed-metadata cache. */
  fromCache: boolean;
  /** This repository's cache directory, when caching. */
  cacheDir: string | undefined;
  /** Network settings for later requests. */
  network: RepoNetworkOptions;
  /** Problems tolerated while loading. */
  warnings: string[];
}

/** A loaded repository: its definition, metadata and packages. Create it with `loadRepo`. */
export class Repository {
  /** Repository id. */
  readonly id: string;
  /** The definition it was loaded from. */
  readonly config: RepoConfig;
  /** Base URLs (each ending in `/`), the one that answered first. */
  readonly baseUrls: readonly string[];
  /** The parsed repomd.xml. */
  readonly repomd: Repomd;
  /** sha256 of repomd.xml: the key of the parsed-metadata cache. */
  readonly repomdChecksum: string;
  /** The packages of primary.xml, column-wise. */
  readonly packages: PackageTable;
  /** Mask of packages hidden by `exclude`/`includepkgs` (1 = hidden), `undefined` when none is. */
  readonly excluded: Uint8Array | undefined;
  /** True when the packages came from grove's parsed-metadata cache (no primary.xml was read). */
  readonly fromCache: boolean;
  /** This repository's cache directory, when caching. */
  readonly cacheDir: string | undefined;
  /** Network settings for later requests (filelists, packages). */
  readonly network: RepoNetworkOptions;
  /** The complete file lists, once `loadFilelists` has loaded them. */
  filelists: FileLists | undefined;
  private list: readonly TablePackage[] | undefined;
  /**
   * Problems tolerated while loading, as messages naming the URL: e.g. a wrong open-checksum in
   * repomd.xml when the file's own checksum matched (dnf does not check open-checksums at all).
   */
  readonly warnings: string[];

  /** @param init - the loaded parts */
  constructor(init: RepositoryInit) {
    this.id = init.config.id;
    this.config = init.config;
    this.baseUrls = init.baseUrls;
    this.repomd = init.repomd;
    this.repomdChecksum = init.repomdChecksum;
    this.packages = init.packages;
    this.excluded = init.excluded;
    this.fromCache = init.fromCache;
    this.cacheDir = init.cacheDir;
    this.network = init.network;
    this.warnings = init.warnings;
  }

  /** Number of packages (hidden ones included). */
  get count(): number {
    return this.packages.count;
  }

  /**
   * Package `index` as a plain object.
   *
   * @param index - 0 to `count - 1`
   */
  package(index: number): RepoPackage {
    return packageAt(this.packages, this.id, index);
  }

  /**
   * Every package (hidden ones included) as a {@link TablePackage}: cheap objects that read the table
   * on demand, built once and kept. This is what a solver should work on.
   */
  packageList(): readonly TablePackage[] {
    if (this.list === undefined) {
      const list = new Array<TablePackage>(this.packages.count);
      for (let i = 0; i < list.length; i++) list[i] = new TablePackage(this.packages, this.id, i);
      this.list = list;
    }
    return this.list;
  }

  /**
   * Which packages contain each of `paths`, from the complete file lists (loaded on first use with
   * `loadFilelists`).
   *
   * @param paths - absolute paths
   * @returns per path, the indices of the packages listing it
   */
  async findFileProviders(paths: readonly string[]): Promise<Map<string, number[]>> {
    return (await loadFilelists(this)).findProviders(paths);
  }

  /** Every package that exclude/includepkgs do not hide, as plain objects. */
  *visiblePackages(): Generator<RepoPackage> {
    for (let i = 0; i < this.packages.count; i++) if (!this.isExcluded(i)) yield this.package(i);
  }

  /**
   * True when `exclude`/`includepkgs` hide package `index`.
   *
   * @param index - package index
   */
  isExcluded(index: number): boolean {
    return this.excluded !== undefined && this.excluded[index] === 1;
  }

  /**
   * Candidate URLs of package `index`'s file: its `xml:base` when that is an absolute URL, else every
   * base URL of the repository (a relative `xml:base` is ignored).
   *
   * @param index - package index
   */
  packageUrls(index: number): string[] {
    const c = this.packages.columns;
    const href = this.packages.texts.get(c.href[index] ?? 0);
    const base = this.packages.strings.get(c.base[index] ?? 0);
    if (base !== "" && isAbsoluteUrl(base)) return [resolveHref(base, href)];
    return this.baseUrls.map((url) => resolveHref(url, href));
  }
}
