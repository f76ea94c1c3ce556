import type { Store } from "@grove/core";
import type { PackageHandle } from "@grove/repo";
import { nevraOf, type SolverPackage, solve, solverRepoFrom } from "@grove/repo/solver";
import { TablePackage } from "@grove/repo/table-package";
import type { GenerationPackage } from "../generations/generation-state.js";
import type { GroveRepos } from "./grove-repos.js";
import { installOrder } from "./install-order.js";
import { InstalledPackage, installedPackages } from "./installed-packages.js";

/** One package of a solved root. */
export interface SolvedPackage {
  /** rpm's `%{NEVRA}`. */
  nevra: string;
  /** Package name. */
  name: string;
  /** The package file's sha256 when known (repository checksum of type sha256, or the lockfile's). */
  sha256: string | undefined;
  /** Repository id it comes from (for a kept installed package: the one recorded in the lockfile). */
  repo: string | undefined;
  /** The package in a loaded repository, when it comes from one (to download it). */
  handle: PackageHandle | undefined;
  /** Package file size in bytes (0 when unknown). */
  size: number;
  /** The lockfile line, when this package is kept from the installed set. */
  installed: GenerationPackage | undefined;
}

/** Options of {@link solveRequest}. */
export interface SolveRequestOptions {
  /** Install Recommends/Supplements (dnf's `install_weak_deps`, default true). */
  weakDeps?: boolean;
  /**
   * Upgrade mode: the root's current packages (its lockfile). They stay unless an update replaces
   * them, and every one of them is upgraded to its best version (dnf's `upgrade`).
   */
  installed?: readonly GenerationPackage[];
  /** The store (needed with `installed`, for packages no repository has any more). */
  store?: Store;
  /** Machine architecture (default `x86_64`). */
  arch?: string;
}

/**
 * Solves a request against the loaded repositories with `@grove/repo`'s solver and returns the
 * root's complete package set in install order.
 * @param repos - the loaded repositories
 * @param specs - package specs as dnf takes them (`apache2`, `name.arch`, a provide, a path)
 * @param options - weak dependencies, installed set (upgrade mode), arch
 * @throws GroveError `SOLVE_NO_MATCH`, `SOLVE_UNSATISFIABLE` (with dnf-style problems)
 */
export async function solveRequest(
  repos: GroveRepos,
  specs: readonly string[],
  options: SolveRequestOptions = {},
): Promise<SolvedPackage[]> {
  let installed: InstalledPackage[] = [];
  if (options.installed !== undefined && options.installed.length > 0) {
    if (options.store === undefined) throw new TypeError("solveRequest: `store` is required with `installed`");
    installed = await installedPackages(options.store, repos.repoSet, options.installed);
  }
  const tx = await solve<SolverPackage>({
    repos: repos.repoSet.repos.map(solverRepoFrom),
    installed,
    install: specs,
    ...(installed.length > 0 ? { upgrade: true as const } : {}),
    weakDeps: options.weakDeps ?? true,
    ...(options.arch === undefined ? {} : { arch: options.arch }),
  });
  return installOrder(tx.result).map(describe);
}

function describe(pkg: SolverPackage): SolvedPackage {
  if (pkg instanceof InstalledPackage) {
    return {
      nevra: pkg.locked.nevra,
      name: pkg.name,
      sha256: pkg.locked.sha256,
      repo: pkg.locked.repo,
      handle: undefined,
      size: 0,
      installed: pkg.locked,
    };
  }
  if (pkg instanceof TablePackage) {
    const { type, value } = pkg.checksum;
    return {
      nevra: pkg.nevra,
      name: pkg.name,
      sha256: type === "sha256" ? value.toLowerCase() : undefined,
      repo: pkg.repoId,
      handle: { repoId: pkg.repoId, index: pkg.index },
      size: pkg.packageSize,
      installed: undefined,
    };
  }
  throw new TypeError(`solveRequest: ${nevraOf(pkg)} is neither a repository package nor an installed one`);
}
