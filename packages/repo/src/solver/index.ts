/**
 * The dependency solver of `@grove/repo`: a libsolv-style CDCL solver that picks packages the way dnf does.
 *
 * @example
 * ```ts
 * const tx = await solve({ repos: [{ id: "baseos", packages }], install: ["bash"] });
 * for (const pkg of tx.install) console.log(nevraOf(pkg));
 * ```
 * @packageDocumentation
 */
export { DEFAULT_REPO_COST, DEFAULT_REPO_PRIORITY, INSTALLED_REPO_ID, isPrimaryPath } from "./pool.js";
export { formatProblems, SolveError, SolveErrorCode } from "./problems.js";
export { HashedRepoIndex } from "./repo-index.js";
export { solverRepoFrom } from "./repository-source.js";
export { DEFAULT_SOLVE_ARCH, solve } from "./solve.js";
export type {
  InstallReason,
  Obsoletion,
  Replacement,
  SolveInput,
  SolveOptions,
  SolveProblem,
  SolveRequest,
  SolverPackage,
  SolverRepo,
  SolverRepoIndex,
  Transaction,
} from "./types.js";

import type { SolverPackage } from "./types.js";

/**
 * rpm's `%{NEVRA}` of a package: `name-[epoch:]version-release.arch`, the epoch only when non-zero.
 *
 * @param pkg - the package
 */
export function nevraOf(pkg: SolverPackage): string {
  return `${pkg.name}-${pkg.epoch > 0 ? `${pkg.epoch}:` : ""}${pkg.version}-${pkg.release}.${pkg.arch}`;
}
