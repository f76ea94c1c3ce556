/**
 * The solver's input and output types. The input is structural: `RepoPackage` from the rpm-md
 * loader satisfies {@link SolverPackage}, and so does any plain object with the same fields.
 * @packageDocumentation
 */
import type { Dependency, DependencyKind } from "@grove/rpm";

/** What the solver needs to know about one package. */
export interface SolverPackage {
  /** Package name. */
  readonly name: string;
  /** Architecture (`x86_64`, `noarch`, ...). */
  readonly arch: string;
  /** Epoch (0 when the package has none). */
  readonly epoch: number;
  /** Version. */
  readonly version: string;
  /** Release. */
  readonly release: string;
  /**
   * Dependencies by kind, each `{name, flags, evr}` with rpm's `RPMSENSE_*` flags. Rich dependencies are
   * entries whose name starts with `(`. Missing kinds count as empty.
   */
  readonly dependencies: Readonly<Partial<Record<DependencyKind, readonly Dependency[]>>>;
  /**
   * Files the package is known to contain: for repository packages the "primary" files
   * (`/etc/*`, `*bin/*`, `/usr/lib/sendmail`), for installed packages all of them.
   */
  readonly files?: readonly string[];
}

/** One repository of the package pool. */
export interface SolverRepo<P extends SolverPackage = SolverPackage> {
  /** Repository id (shown in problem messages, as dnf does). */
  readonly id: string;
  /** dnf's `priority`: a lower number wins over every higher one (default 99). */
  readonly priority?: number;
  /** dnf's `cost`: among equal versions, the repository with the lower cost wins (default 1000). */
  readonly cost?: number;
  /** The packages, in metadata order. */
  readonly packages: readonly P[];
  /** Packages hidden by the repository's own `exclude`/`includepkgs` (by index), when any. */
  readonly excluded?: (index: number) => boolean;
  /**
   * Fast look-ups over {@link SolverRepo.packages}. Without one the solver builds hash tables from the
   * package objects on first use, which reads every package's provides once.
   */
  readonly index?: SolverRepoIndex;
  /**
   * Which packages contain each of `paths`, from the complete file lists (filelists.xml). Called only for
   * file dependencies on paths outside the primary file set, once per batch of new paths.
   * @returns per path, indices into {@link SolverRepo.packages}
   */
  readonly findFileProviders?: (paths: readonly string[]) => Promise<ReadonlyMap<string, readonly number[]>>;
}

/**
 * Look-ups over one repository's packages, by index into {@link SolverRepo.packages}. Results may be in
 * any order and may contain duplicates.
 */
export interface SolverRepoIndex {
  /** Packages whose name is `name`. */
  named(name: string): ArrayLike<number>;
  /** Packages with a Provides entry named `name` (any version). */
  providers(name: string): ArrayLike<number>;
  /** Packages whose {@link SolverPackage.files} include `path`. */
  fileOwners(path: string): ArrayLike<number>;
  /** Packages with an Obsoletes entry named `name`. */
  obsoleters(name: string): ArrayLike<number>;
  /** Packages with Supplements or Enhances entries. */
  weakPackages(): ArrayLike<number>;
}

/** What to do. */
export interface SolveRequest {
  /**
   * Package specs to install, in dnf's forms: `name`, `name.arch`, `name-version`, `name-version-release`,
   * `name-[epoch:]version-release.arch`, globs (`python3-*`), a provide (`webserver`, `python3dist(foo) >= 1`),
   * or a file path (`/usr/bin/python3`).
   */
  readonly install?: readonly string[];
  /** Upgrade: `true` for every installed package (dnf's `upgrade`), or specs naming installed packages. */
  readonly upgrade?: true | readonly string[];
}

/** How to solve. */
export interface SolveOptions {
  /** The machine architecture; packages of it and `noarch` are installable (default `x86_64`). */
  readonly arch?: string;
  /** Install Recommends and Supplements as dnf's `install_weak_deps=True` does (default true). */
  readonly weakDeps?: boolean;
  /** dnf's `best=True`: requested packages install in their best version or the solve fails (default true). */
  readonly best?: boolean;
  /**
   * Patterns of available packages to hide (dnf's `exclude`): globs matched against the name, `name.arch`,
   * `name-version`, `name-version-release`, `name-version-release.arch` and `name-epoch:version-release.arch`.
   */
  readonly excludes?: readonly string[];
  /** Receives a line per solver step (decisions, conflicts, learnt rules), for debugging. */
  readonly trace?: (line: string) => void;
}

/** Everything {@link solve} needs. */
export interface SolveInput<P extends SolverPackage = SolverPackage> extends SolveRequest, SolveOptions {
  /** The repositories, in the order dnf would load them (it matters only for ties). */
  readonly repos: readonly SolverRepo<P>[];
  /** The packages already installed (the rpmdb), if any. */
  readonly installed?: readonly P[];
}

/** Why a package is in the transaction, as dnf's transaction table groups them. */
export type InstallReason = "request" | "dependency" | "weak";

/** A package replaced by another of the same name. */
export interface Replacement<P extends SolverPackage = SolverPackage> {
  /** The installed package. */
  readonly from: P;
  /** Its replacement. */
  readonly to: P;
}

/** An installed package that goes away because another package obsoletes it. */
export interface Obsoletion<P extends SolverPackage = SolverPackage> {
  /** The installed package. */
  readonly package: P;
  /** The new package whose Obsoletes names it. */
  readonly by: P;
}

/** The outcome of a successful solve. */
export interface Transaction<P extends SolverPackage = SolverPackage> {
  /** Packages to install that replace nothing, sorted by name then version. */
  readonly install: readonly P[];
  /** Installed packages replaced by a newer version. */
  readonly upgrade: readonly Replacement<P>[];
  /** Installed packages replaced by an older version. */
  readonly downgrade: readonly Replacement<P>[];
  /** Installed packages obsoleted by a new package. */
  readonly obsoleted: readonly Obsoletion<P>[];
  /** Installed packages removed for another reason (none unless something forces it). */
  readonly remove: readonly P[];
  /** Why each new package (in `install`, and the `to` side of upgrades/downgrades) is there. */
  readonly reasons: ReadonlyMap<P, InstallReason>;
  /** Every package installed after the transaction (kept installed ones and new ones), sorted by name. */
  readonly result: readonly P[];
}

/** One reason a solve failed, as dnf prints it (`Problem: ...` then `  - ...` lines). */
export interface SolveProblem {
  /** The explanation lines; the first is the headline. */
  readonly rules: readonly string[];
}
