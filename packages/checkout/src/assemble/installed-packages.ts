import { readFileSync } from "node:fs";
import { GroveError, parseObjectId, type Store } from "@grove/core/store";
import type { RepoSet, SolverPackage } from "@grove/repo";
import type { Dependency, DependencyKind } from "@grove/rpm";
import { buildRpmPackage, parseHeaderBlob } from "@grove/rpm/header";
import { headerFromObject } from "@grove/rpm/header-object";
import type { GenerationPackage } from "../generations/generation-state.js";

/**
 * A package of a root's lockfile as the solver's installed set sees it: its identity and
 * dependencies come from the identical package (same sha256) in a loaded repository when there is
 * one, else from the package's header in the store.
 */
export class InstalledPackage implements SolverPackage {
  /**
   * @param locked - the lockfile line (NEVRA, sha256, commit)
   * @param source - where name, EVR, dependencies and files are read from
   */
  constructor(
    readonly locked: GenerationPackage,
    private readonly source: SolverPackage,
  ) {}
  /** Package name. */
  get name(): string {
    return this.source.name;
  }
  /** Architecture. */
  get arch(): string {
    return this.source.arch;
  }
  /** Epoch (0 when none). */
  get epoch(): number {
    return this.source.epoch;
  }
  /** Version. */
  get version(): string {
    return this.source.version;
  }
  /** Release. */
  get release(): string {
    return this.source.release;
  }
  /** Dependencies by kind. */
  get dependencies(): Readonly<Partial<Record<DependencyKind, readonly Dependency[]>>> {
    return this.source.dependencies;
  }
  /** Files known to be in the package (primary files when read from a repository, all from a header). */
  get files(): readonly string[] | undefined {
    return this.source.files;
  }
}

/**
 * The solver's installed set for a root's lockfile. Each package is matched by sha256 against the
 * loaded repositories (whose checksums are sha256); a package no repository has any more is read
 * from its header in the store.
 * @param store - the store holding the package commits
 * @param repoSet - the loaded repositories
 * @param locked - the lockfile's packages
 * @throws GroveError `CHECKOUT_BAD_STATE` when a package is neither in a repository nor readable in the store
 */
export async function installedPackages(
  store: Store,
  repoSet: RepoSet,
  locked: readonly GenerationPackage[],
): Promise<InstalledPackage[]> {
  const wanted = new Set(locked.map((p) => p.sha256));
  const bySha256 = new Map<string, SolverPackage>();
  for (const repo of repoSet.repos) {
    const packages = repo.packageList();
    for (let i = 0; i < packages.length; i++) {
      if (repo.isExcluded(i)) continue;
      const pkg = packages[i];
      if (pkg === undefined) continue;
      const { type, value } = pkg.checksum;
      if (type === "sha256" && wanted.has(value.toLowerCase()) && !bySha256.has(value.toLowerCase())) {
        bySha256.set(value.toLowerCase(), pkg);
      }
    }
  }
  const out: InstalledPackage[] = [];
  for (const p of locked) {
    out.push(new InstalledPackage(p, bySha256.get(p.sha256) ?? (await packageFromStore(store, p))));
  }
  return out;
}

/** A package's identity and dependencies from its main header in the store. */
async function packageFromStore(store: Store, locked: GenerationPackage): Promise<SolverPackage> {
  const meta = await store.readCommitMetadata(locked.commitId);
  const parsed = typeof meta.header === "string" ? parseObjectId(meta.header) : undefined;
  if (parsed === undefined) {
    throw new GroveError(
      "CHECKOUT_BAD_STATE",
      `installed package ${locked.nevra} (commit ${locked.commitId}) names no header object`,
      { subject: locked.nevra, hint: "run `grove fsck`" },
    );
  }
  // Synchronous: a header object is a few kilobytes, less than a thread-pool round trip costs.
  const bytes = headerFromObject(readFileSync(store.objectPath(parsed.sha256, parsed.perm)), locked.nevra);
  const header = parseHeaderBlob(new Uint8Array(bytes).subarray(8), { subject: locked.nevra, kind: "header" });
  const pkg = buildRpmPackage(header, locked.nevra);
  return {
    name: pkg.name,
    arch: pkg.arch,
    epoch: pkg.epoch ?? 0,
    version: pkg.version,
    release: pkg.release,
    dependencies: pkg.dependencies,
    files: pkg.files.map((f) => f.path),
  };
}
