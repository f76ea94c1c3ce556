import type { Dependency, DependencyKind } from "@grove/rpm";
import { DEP_KINDS, type PackageTable } from "./package-table.js";

/** Names one package of a loaded repository: the repository id and the package's index in its table. */
export interface PackageHandle {
  /** Id of the repository holding the package. */
  repoId: string;
  /** Index of the package in that repository's {@link PackageTable}. */
  index: number;
}

/** One package of a repository's primary metadata, as a plain object. */
export interface RepoPackage extends PackageHandle {
  /** Package name. */
  name: string;
  /** Architecture (`x86_64`, `noarch`, `src`, ...). */
  arch: string;
  /** Epoch (0 when the package has none). */
  epoch: number;
  /** Version. */
  version: string;
  /** Release. */
  release: string;
  /** rpm's `%{NEVRA}` (`name-[epoch:]version-release.arch`, the epoch only when non-zero). */
  nevra: string;
  /** The package file's checksum; its value is the package id (pkgid) metadata files refer to. */
  checksum: { type: string; value: string };
  /** Where the package file is: `href` relative to the repository base URL, or to `base` when set. */
  location: { href: string; base?: string };
  /** Package file size in bytes. */
  packageSize: number;
  /** Installed size in bytes. */
  installedSize: number;
  /** One-line summary. */
  summary: string;
  /** Source RPM file name (`""` when none). */
  sourceRpm: string;
  /** Build time (seconds since the epoch). */
  buildTime: number;
  /** Time the package file was written (seconds since the epoch). */
  fileTime: number;
  /** Dependencies by kind. */
  dependencies: Record<DependencyKind, Dependency[]>;
  /** The files primary metadata lists (a subset: `/etc/*`, `*bin/*`, ...; use loadFilelists for all). */
  files: string[];
}

/**
 * Materialise package `index` of `table` as a plain {@link RepoPackage}.
 *
 * @param table - the repository's table
 * @param repoId - the repository id
 * @param index - package index
 */
export function packageAt(table: PackageTable, repoId: string, index: number): RepoPackage {
  const c = table.columns;
  const s = table.strings;
  const t = table.texts;
  const base = c.base[index] ?? 0;
  const dependencies = {} as Record<DependencyKind, Dependency[]>;
  for (const kind of DEP_KINDS) dependencies[kind] = table.dependencies(index, kind);
  return {
    repoId,
    index,
    name: table.name(index),
    arch: table.arch(index),
    epoch: table.epoch(index),
    version: table.version(index),
    release: table.release(index),
    nevra: table.nevra(index),
    checksum: { type: s.get(c.checksumType[index] ?? 0), value: t.get(c.checksum[index] ?? 0) },
    location: base === 0 ? { href: t.get(c.href[index] ?? 0) } : { href: t.get(c.href[index] ?? 0), base: s.get(base) },
    packageSize: c.packageSize[index] ?? 0,
    installedSize: c.installedSize[index] ?? 0,
    summary: t.get(c.summary[index] ?? 0),
    sourceRpm: s.get(c.sourceRpm[index] ?? 0),
    buildTime: c.buildTime[index] ?? 0,
    fileTime: c.fileTime[index] ?? 0,
    dependencies,
    files: table.primaryFiles(index),
  };
}
