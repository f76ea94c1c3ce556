/**
 * A repository of packages with many files, built with the real tools (`rpmbuild -bb`, `createrepo_c`):
 * big enough that `grove assemble` writes the root on two threads and `grove fsck` hashes on its worker pool.
 */
import { buildRepoFromSpecs } from "../../../test/helpers/rpm-repo-builder.js";

/**
 * One package of {@link buildBulkRepo}: `count` files `DIR/0 .. DIR/<count-1>`, each with its own content, and
 * optionally one large file `DIR/big`.
 */
export interface BulkPackage {
  /** Package name. */
  name: string;
  /** Absolute directory the files are installed in, e.g. `/usr/share/bulk-a`. */
  dir: string;
  /** How many small files. */
  count: number;
  /** Size of `DIR/big` in bytes (repeated text, so it compresses well), when there is one. */
  bigBytes?: number;
  /** rpmbuild's `_binary_payload` (default `w3.zstdio`). */
  payload?: string;
}

/** The content of file `index` of `pkg` (distinct per file, so each is its own store object). */
export function bulkFileContent(pkg: BulkPackage, index: number): string {
  return `${pkg.name} file ${index}\n`;
}

/**
 * Builds `packages` (noarch, version 1-1, zstd payloads unless a package says otherwise) into `outDir/Packages/` and writes `outDir/repodata/`.
 * @param outDir - the repository directory (created)
 * @param packages - what to build
 * @param workDir - scratch space for rpmbuild
 * @returns the repository directory
 */
export function buildBulkRepo(outDir: string, packages: readonly BulkPackage[], workDir: string): string {
  return buildRepoFromSpecs(
    outDir,
    packages.map((pkg) => ({
      key: pkg.name,
      name: pkg.name,
      spec: specText(pkg),
      defines: { _binary_payload: pkg.payload ?? "w3.zstdio" },
    })),
    workDir,
  );
}

function specText(pkg: BulkPackage): string {
  return [
    `Name: ${pkg.name}`,
    "Version: 1",
    "Release: 1",
    `Summary: ${pkg.name}, many files for grove tests`,
    "License: MIT",
    "BuildArch: noarch",
    "AutoReqProv: no",
    "",
    "%description",
    `${pkg.name}: ${pkg.count} small files, built by grove's tests.`,
    "",
    "%install",
    `mkdir -p %{buildroot}${pkg.dir}`,
    `for i in $(seq 0 ${pkg.count - 1}); do echo "${pkg.name} file $i" > %{buildroot}${pkg.dir}/$i; done`,
    ...(pkg.bigBytes === undefined
      ? []
      : [`yes "${pkg.name} big file" | head -c ${pkg.bigBytes} > %{buildroot}${pkg.dir}/big`]),
    "",
    "%files",
    pkg.dir,
    "",
  ].join("\n");
}
