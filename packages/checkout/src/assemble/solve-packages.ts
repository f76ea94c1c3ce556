import { openGroveDir } from "./grove-dir.js";
import { type LoadGroveReposOptions, loadGroveRepos } from "./grove-repos.js";
import { type SolvedPackage, solveRequest } from "./solve-request.js";

/** Options of {@link solvePackages}. */
export interface SolvePackagesOptions extends LoadGroveReposOptions {
  /** Install weak dependencies (default true). */
  weakDeps?: boolean;
  /** Machine architecture (default `x86_64`). */
  arch?: string;
}

/** What {@link solvePackages} found. */
export interface SolvePackagesResult {
  /** NEVRAs of the complete package set, sorted (as `rpm -qa --qf '%{NEVRA}\n' | sort` would list the root). */
  install: string[];
  /** The packages in install order, with repository and size. */
  packages: SolvedPackage[];
}

/**
 * Solves package specs against a grove directory's repositories without downloading or changing
 * anything (what `grove assemble` would put in a new root).
 * @param dir - the grove directory
 * @param specs - package specs
 * @param options - weak dependencies, arch, network settings
 * @throws GroveError `STORE_NOT_FOUND`, `CHECKOUT_NO_REPOS`, `SOLVE_*`, `REPO_*`
 */
export async function solvePackages(
  dir: string,
  specs: readonly string[],
  options: SolvePackagesOptions = {},
): Promise<SolvePackagesResult> {
  await openGroveDir(dir);
  const repos = await loadGroveRepos(dir, options);
  const packages = await solveRequest(repos, specs, {
    weakDeps: options.weakDeps ?? true,
    ...(options.arch === undefined ? {} : { arch: options.arch }),
  });
  const install = packages.map((p) => p.nevra).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { install, packages };
}
