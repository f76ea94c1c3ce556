/**
 * The orchestration behind `grove init/assemble/upgrade/solve/gc/fsck`: repositories, solver,
 * downloads, imports and generations wired together over a grove directory.
 * @packageDocumentation
 */
export { type AssembleRequestOptions, assemble } from "./assemble.js";
export type { GroveRunOptions } from "./build-generation.js";
export { type CurrentGeneration, currentGeneration } from "./current-generation.js";
export {
  type FetchMissingOptions,
  type FetchPlan,
  type FetchProgress,
  type FetchResult,
  fetchMissing,
  planFetch,
} from "./fetch-packages.js";
export { GROVE_SUBDIRS, groveCacheDir, type InitGroveDirResult, initGroveDir, openGroveDir } from "./grove-dir.js";
export { type GroveRepos, type LoadGroveReposOptions, loadGroveRepos, sameSnapshots } from "./grove-repos.js";
export { installOrder } from "./install-order.js";
export { InstalledPackage, installedPackages } from "./installed-packages.js";
export {
  type CheckGroveDirResult,
  type CollectGarbageOptions,
  type CollectGarbageResult,
  checkGroveDir,
  collectGarbage,
  DEFAULT_PACKAGE_GRACE_MS,
  type RootProblem,
} from "./maintenance.js";
export type { GroveProgress, ProgressListener } from "./progress.js";
export { type PrunedCaches, pruneCaches } from "./prune-caches.js";
export { type RootRequest, readRootRequest, requestToJson } from "./root-request.js";
export { diffPackages, nameOfNevra, type PackageChange, type RootResult } from "./root-result.js";
export { type SolvePackagesOptions, type SolvePackagesResult, solvePackages } from "./solve-packages.js";
export { type SolvedPackage, type SolveRequestOptions, solveRequest } from "./solve-request.js";
export { type UpgradeOptions, upgrade } from "./upgrade.js";
