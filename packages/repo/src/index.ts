/**
 * `@grove/repo`: rpm-md repositories. `.repo` files and the `repos.d/` directory, verified fetching
 * of repomd/primary/filelists over `file://` and `http(s)://`, a compact package table with a
 * parsed-metadata cache, and verified package downloads. (The dependency solver builds on the
 * {@link PackageTable} this package loads.)
 *
 * @packageDocumentation
 */
export { globToRegExp } from "./config/glob.js";
export {
  DEFAULT_METADATA_EXPIRE,
  METADATA_NEVER_EXPIRES,
  parseMetadataExpire,
} from "./config/metadata-expire.js";
export {
  DEFAULT_COST,
  DEFAULT_PRIORITY,
  isValidRepoId,
  makeRepoConfig,
  parseRepoFile,
  type RepoConfig,
  serializeRepoFile,
  splitList,
} from "./config/repo-config.js";
export {
  type AddRepoOptions,
  addRepo,
  type ConfiguredRepo,
  listRepos,
  REPOS_DIR_NAME,
  readReposDir,
  removeRepo,
  reposDir,
} from "./config/repos-dir.js";
export { type ResolvedRepoUrls, resolveRepoUrls } from "./config/resolve-urls.js";
export {
  baseArch,
  defaultVariables,
  machineArch,
  type RepoVariables,
  substituteVariables,
  unresolvedVariables,
} from "./config/variables.js";
export {
  type DownloadedPackage,
  type DownloadPackagesOptions,
  type DownloadProgress,
  downloadPackages,
} from "./download/download-packages.js";
export { canStreamPackage, type StreamPackageOptions, streamPackage } from "./download/stream-package.js";
export { RepoErrorCode, type RepoErrorCodeValue } from "./errors.js";
export { type Checksum, hashAlgorithm } from "./fetch/checksum.js";
export { RepoFetchError } from "./fetch/fetch-error.js";
export type { RetryOptions } from "./fetch/retry.js";
export { loadFilelists } from "./load-filelists.js";
export { type LoadRepoOptions, loadRepo } from "./load-repo.js";
export type { Repomd, RepomdRecord } from "./metadata/repomd.js";
export { comparisonFlags, formatEvr } from "./model/dep-flags.js";
export { type FileListColumns, FileLists, splitPath } from "./model/file-lists.js";
export {
  DEP_KIND_COUNT,
  DEP_KINDS,
  DepKindIndex,
  FileKind,
  type PackageColumns,
  PackageTable,
} from "./model/package-table.js";
export { type PackageHandle, packageAt, type RepoPackage } from "./model/repo-package.js";
export { hashString, StringTable } from "./model/string-table.js";
export { TablePackage } from "./model/table-package.js";
export { type LoadReposOptions, loadRepos, RepoSet, type SkippedRepo } from "./repo-set.js";
export { type RepoNetworkOptions, Repository, type RepositoryInit } from "./repository.js";
export * from "./solver/index.js";
