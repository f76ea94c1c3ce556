import type { Store } from "@grove/core";
import { assembleRoot } from "../generations/assemble-root.js";
import { prestartTreeWriter, releaseTreeWriter } from "../write/tree-writer-thread.js";
import type { CurrentGeneration } from "./current-generation.js";
import { type FetchPlan, fetchMissing, planFetch } from "./fetch-packages.js";
import { groveCacheDir } from "./grove-dir.js";
import type { GroveRepos, LoadGroveReposOptions } from "./grove-repos.js";
import type { ProgressListener } from "./progress.js";
import { type RootRequest, requestToJson } from "./root-request.js";
import { diffPackages, type RootResult } from "./root-result.js";
import type { SolvedPackage } from "./solve-request.js";

/** Options shared by {@link assemble} and {@link upgrade}. */
export interface GroveRunOptions extends LoadGroveReposOptions {
  /** Progress events (for progress bars). */
  onProgress?: ProgressListener;
  /** Downloads at once (default 4). */
  downloadConcurrency?: number;
  /** Package imports at once (default 2). */
  importConcurrency?: number;
  /** Machine architecture for the solver (default `x86_64`). */
  arch?: string;
}

/** Everything {@link buildGeneration} needs. */
export interface BuildGenerationInput {
  /** The grove directory's store. */
  store: Store;
  /** Root name. */
  name: string;
  /** The loaded repositories. */
  repos: GroveRepos;
  /** The root's packages, in install order. */
  solved: SolvedPackage[];
  /** The request to record. */
  request: RootRequest;
  /** The current generation, if the root exists (its `/etc` and `/var` are merged into the new one). */
  current: CurrentGeneration | undefined;
  /** Options. */
  options: GroveRunOptions;
  /** `performance.now()` when the call started. */
  started: number;
  /** What the store lacks of `solved`, when the caller has already worked it out ({@link planFetch}). */
  fetchPlan?: FetchPlan;
}

/**
 * Fetches what the store lacks of a solved package set, imports it, and assembles the root's next
 * generation (hard-link checkout, `/etc` merge from the current generation, rpmdb, record, atomic
 * symlink swap).
 * @param input - store, root, solved packages, request, current generation, options
 */
export async function buildGeneration(input: BuildGenerationInput): Promise<RootResult> {
  const { store, name, repos, options } = input;
  const onProgress = options.onProgress;
  const plan = input.fetchPlan ?? (await planFetch(store, input.solved));
  onProgress?.({
    type: "solved",
    root: name,
    packages: input.solved.length,
    toDownload: plan.missing.length,
    downloadBytes: plan.missingBytes,
  });
  // A writer thread prestarted for the checkout would sit idle through the imports: stop it, start it again after.
  const writerReleased = plan.missing.length > 0 && releaseTreeWriter();
  const fetched = await fetchMissing(store, repos.repoSet, plan, {
    cacheDir: groveCacheDir(store.dir),
    ...(options.downloadConcurrency === undefined ? {} : { downloadConcurrency: options.downloadConcurrency }),
    ...(options.importConcurrency === undefined ? {} : { importConcurrency: options.importConcurrency }),
    onProgress: (event) => onProgress?.({ ...event, root: name }),
  });
  if (writerReleased) prestartTreeWriter();
  const built = await assembleRoot(store, {
    name,
    packages: fetched.packages,
    request: requestToJson(input.request),
    repos: repos.snapshots,
    onPhase: (phase) => onProgress?.({ type: "assemble", root: name, phase }),
  });
  return {
    name,
    generation: built.generation,
    previous: built.previous,
    path: built.path,
    link: built.link,
    changed: true,
    packages: built.packages.map((p) => p.nevra),
    downloaded: fetched.downloaded,
    ...diffPackages(input.current?.state.packages, built.packages),
    elapsedMs: Math.round(performance.now() - input.started),
  };
}
