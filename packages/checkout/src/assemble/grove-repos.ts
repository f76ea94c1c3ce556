import { createHash } from "node:crypto";
import { GroveError } from "@grove/core/store";
import { serializeRepoFile } from "@grove/repo/repo-config";
import { type LoadReposOptions, loadRepos, type RepoSet } from "@grove/repo/repo-set";
import { readReposDir } from "@grove/repo/repos-dir";
import type { RepoSnapshot } from "../generations/generation-state.js";
import { groveCacheDir } from "./grove-dir.js";

/** The repositories of a grove directory, loaded. */
export interface GroveRepos {
  /** The loaded repositories (the solver's and downloader's input). */
  repoSet: RepoSet;
  /** Each loaded repository's id, metadata revision (`sha256:<repomd.xml sha256>`) and base URL. */
  snapshots: RepoSnapshot[];
  /**
   * sha256 of the enabled definitions (every option that can change a solve: URLs, priority, cost,
   * excludes, ...; not `metadata_expire`): a change of configuration that could change a solve
   * without any metadata changing.
   */
  configFingerprint: string;
}

/** Options of {@link loadGroveRepos}. */
export interface LoadGroveReposOptions {
  /**
   * Network settings and the like passed to `loadRepos` (the cache directory is always `<dir>/cache`):
   * e.g. `{ refresh: true }` to ask every server even when its cached metadata has not expired
   * (`grove --refresh`), `{ offline: true }` to ask none.
   */
  network?: Omit<LoadReposOptions, "cacheDir">;
}

/**
 * Loads every enabled repository of `<dir>/repos.d`, with the parsed-metadata cache in
 * `<dir>/cache/repos/`: while a repository's `metadata_expire` (default 48 hours) has not run out
 * since the last check, it costs no request and no parsing; after that an unchanged repository
 * costs one request (its repomd.xml).
 * @param dir - the grove directory
 * @param options - network settings, `refresh`
 * @throws GroveError `CHECKOUT_NO_REPOS` when no repository is enabled; `REPO_*` from loading
 */
export async function loadGroveRepos(dir: string, options: LoadGroveReposOptions = {}): Promise<GroveRepos> {
  const configs = (await readReposDir(dir)).map((entry) => entry.config).filter((config) => config.enabled);
  if (configs.length === 0) {
    throw new GroveError("CHECKOUT_NO_REPOS", `${dir} has no enabled repository (its repos.d/ is empty)`, {
      subject: dir,
      hint: "add one with `grove repo add ID URL`",
    });
  }
  const repoSet = await loadRepos(configs, { ...options.network, cacheDir: groveCacheDir(dir) });
  const snapshots: RepoSnapshot[] = repoSet.repos.map((repo) => {
    const snapshot: RepoSnapshot = { id: repo.id, repomdChecksum: `sha256:${repo.repomdChecksum}` };
    const url = repo.baseUrls[0];
    if (url !== undefined) snapshot.url = url;
    return snapshot;
  });
  // How long metadata is trusted does not change a solve: left out, so editing it rebuilds nothing.
  const solveRelevant = configs.map(({ metadataExpire: _expire, ...config }) => config);
  const configFingerprint = createHash("sha256").update(serializeRepoFile(solveRelevant)).digest("hex");
  return { repoSet, snapshots, configFingerprint };
}

/**
 * True when two lists of repository snapshots name the same repositories at the same metadata
 * revisions and URLs (order aside).
 * @param a - one list
 * @param b - the other
 */
export function sameSnapshots(a: readonly RepoSnapshot[], b: readonly RepoSnapshot[]): boolean {
  if (a.length !== b.length) return false;
  const key = (s: RepoSnapshot) => `${s.id}\u0000${s.repomdChecksum}\u0000${s.url ?? ""}`;
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.every((k, i) => k === right[i]);
}
