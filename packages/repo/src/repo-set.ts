import { GroveError } from "@grove/core/store";
import type { RepoConfig } from "./config/repo-config.js";
import { RepoErrorCode } from "./errors.js";
import { type LoadRepoOptions, loadRepo } from "./load-repo.js";
import type { PackageHandle, RepoPackage } from "./model/repo-package.js";
import type { Repository } from "./repository.js";

/** A repository that could not be loaded but was skipped (`skip_if_unavailable=1`). */
export interface SkippedRepo {
  /** Its definition. */
  config: RepoConfig;
  /** Why it failed. */
  error: GroveError;
}

/** The loaded repositories a solve or download works on. */
export class RepoSet {
  /** Loaded repositories, in the order of the definitions. */
  readonly repos: readonly Repository[];
  /** Repositories skipped because they failed and allow it. */
  readonly skipped: readonly SkippedRepo[];
  private readonly byId: Map<string, Repository>;

  /**
   * @param repos - loaded repositories (ids must be unique)
   * @param skipped - repositories that were skipped
   */
  constructor(repos: readonly Repository[], skipped: readonly SkippedRepo[] = []) {
    this.repos = repos;
    this.skipped = skipped;
    this.byId = new Map(repos.map((repo) => [repo.id, repo]));
  }

  /**
   * The repository with this id, if loaded.
   *
   * @param id - repository id
   */
  get(id: string): Repository | undefined {
    return this.byId.get(id);
  }

  /**
   * The package a handle names, as a plain object.
   *
   * @param handle - repository id and package index
   * @throws GroveError `REPO_UNKNOWN_PACKAGE` when the repository is not loaded or the index is out of range
   */
  package(handle: PackageHandle): RepoPackage {
    return this.repoOf(handle).package(handle.index);
  }

  /**
   * The repository holding a package, checking the index.
   *
   * @param handle - repository id and package index
   * @throws GroveError `REPO_UNKNOWN_PACKAGE`
   */
  repoOf(handle: PackageHandle): Repository {
    const repo = this.byId.get(handle.repoId);
    if (repo === undefined || !Number.isInteger(handle.index) || handle.index < 0 || handle.index >= repo.count) {
      throw new GroveError(
        RepoErrorCode.unknownPackage,
        `no package #${handle.index} in repository "${handle.repoId}"${repo === undefined ? " (not loaded)" : ""}`,
        { subject: handle.repoId },
      );
    }
    return repo;
  }
}

/** Options of {@link loadRepos}. */
export interface LoadReposOptions extends LoadRepoOptions {
  /** How many repositories load at once (default 4). */
  concurrency?: number;
}

/**
 * Load every enabled repository of `configs` (several at once). A repository that fails is skipped
 * when its `skip_if_unavailable` is set, else the failure is thrown.
 *
 * @param configs - repository definitions (disabled ones are ignored)
 * @param options - as for loadRepo, plus concurrency
 * @throws GroveError from the first repository that failed without `skip_if_unavailable`
 */
export async function loadRepos(configs: readonly RepoConfig[], options: LoadReposOptions = {}): Promise<RepoSet> {
  const enabled = configs.filter((config) => config.enabled);
  const results: Array<Repository | SkippedRepo | undefined> = new Array(enabled.length);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < enabled.length) {
      const at = next++;
      const config = enabled[at] as RepoConfig;
      try {
        results[at] = await loadRepo(config, options);
      } catch (err) {
        if (config.skipIfUnavailable && err instanceof GroveError) results[at] = { config, error: err };
        else failure ??= err;
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, enabled.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure;
  const repos: Repository[] = [];
  const skipped: SkippedRepo[] = [];
  for (const result of results) {
    if (result === undefined) continue;
    if ("error" in result) skipped.push(result);
    else repos.push(result);
  }
  return new RepoSet(repos, skipped);
}
