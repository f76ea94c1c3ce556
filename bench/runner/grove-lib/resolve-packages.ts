/**
 * The stand-in's path from a request to package commits: load the repositories (metadata cached in the
 * grove directory), solve, download what the store lacks (several at once), import it (two at once).
 * @packageDocumentation
 */
import path from "node:path";
import type { GenerationPackage } from "@grove/checkout";
import { GroveError, type Store } from "@grove/core";
import {
  downloadPackages,
  loadRepos,
  makeRepoConfig,
  nevraOf,
  type RepoSet,
  solve,
  solverRepoFrom,
  type TablePackage,
} from "@grove/repo";
import { importRpmFiles } from "@grove/rpm";
import type { GroveRepo } from "./bench-repos.js";

/** What {@link resolvePackages} did. */
export interface ResolvedPackages {
  /** The packages to assemble, sorted by name. */
  packages: GenerationPackage[];
  /** Packages downloaded (not yet in the store). */
  downloaded: number;
  /** Packages imported into the store. */
  imported: number;
}

/** Where the stand-in caches repository metadata and downloads in grove directory `dir`. */
export function standInCacheDir(dir: string): string {
  return path.join(dir, "cache");
}

/**
 * Loads the repositories of `repos`, as {@link RepoSet}.
 * @param dir - the grove directory (its cache holds parsed metadata)
 */
export async function loadBenchRepos(dir: string, repos: readonly GroveRepo[]): Promise<RepoSet> {
  const configs = repos.map((r) => makeRepoConfig(r.id, { baseurl: [r.url] }));
  return loadRepos(configs, { cacheDir: standInCacheDir(dir) });
}

/**
 * Solves `specs` (no weak dependencies) over `repoSet`.
 * @throws the solver's `SolveError` when the request cannot be satisfied
 */
export async function solveSpecs(repoSet: RepoSet, specs: readonly string[]): Promise<TablePackage[]> {
  const tx = await solve({ repos: repoSet.repos.map(solverRepoFrom), install: specs, weakDeps: false });
  return [...tx.result].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Makes every package of `solved` available as a commit in `store`: packages already imported (by their
 * sha256) cost a lookup; the rest are downloaded into the cache and imported.
 * @throws GroveError from downloads and imports, `BENCH_NOT_SHA256` for a repository without sha256 checksums
 */
export async function commitsFor(
  store: Store,
  repoSet: RepoSet,
  solved: readonly TablePackage[],
): Promise<ResolvedPackages> {
  const commits = new Map<TablePackage, string>();
  const missing: TablePackage[] = [];
  for (const pkg of solved) {
    const sha256 = sha256Of(pkg);
    const commit = await store.lookupSource(sha256);
    if (commit === undefined) missing.push(pkg);
    else commits.set(pkg, commit);
  }
  let imported = 0;
  if (missing.length > 0) {
    const files = await downloadPackages(repoSet, missing, { cacheDir: standInCacheDir(store.dir), concurrency: 4 });
    const items = files.map((f) => ({ file: f.path, sha256: sha256Of(f.package) }));
    for await (const outcome of importRpmFiles(store, items, { concurrency: 2 })) {
      if ("error" in outcome) throw outcome.error;
      commits.set(missing[outcome.index] as TablePackage, outcome.result.commitId);
      imported++;
    }
  }
  const packages = solved.map((pkg) => ({
    nevra: nevraOf(pkg),
    sha256: sha256Of(pkg),
    commitId: commits.get(pkg) as string,
    repo: pkg.repoId,
  }));
  return { packages, downloaded: missing.length, imported };
}

function sha256Of(pkg: { checksum: { type: string; value: string }; nevra: string }): string {
  if (pkg.checksum.type !== "sha256") {
    throw new GroveError("BENCH_NOT_SHA256", `${pkg.nevra}: the stand-in needs sha256 package checksums`);
  }
  return pkg.checksum.value;
}
