/**
 * Tiny rpm-md repositories for tests, built with the real tools: one `rpmbuild -bb` per package (noarch, no
 * automatic dependencies) and `createrepo_c`. Each package ships `/usr/share/NAME/data` (its content names
 * the version) and `/etc/NAME.conf` (`%config(noreplace)`), and `/usr/share/NAME/padding` when asked to be larger.
 */
import { spawnSync } from "node:child_process";
import { buildRepoFromSpecs } from "./rpm-repo-builder.js";

/** One package to build. */
export interface TinyPackage {
  /** Name. */
  name: string;
  /** Version. */
  version: string;
  /** Release (default `1`). */
  release?: string;
  /** Requires lines, e.g. `["base >= 1"]`. */
  requires?: string[];
  /** Bytes of zeros in `/usr/share/NAME/padding`, to make the package larger (default none). */
  padding?: number;
}

/** Why the repositories cannot be built here (missing tools), or `undefined`. */
export function tinyRepoUnavailable(): string | undefined {
  const missing = ["rpmbuild", "createrepo_c"].filter(
    (tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0,
  );
  return missing.length === 0 ? undefined : `${missing.join(", ")} not installed`;
}

/** The `/usr/share/NAME/data` content of a package version. */
export function tinyDataContent(pkg: TinyPackage): string {
  return `${pkg.name} ${pkg.version}-${pkg.release ?? "1"}\n`;
}

/**
 * Builds `packages` into `outDir/Packages/` and writes `outDir/repodata/`.
 * @param outDir - the repository directory (created)
 * @param packages - what to build
 * @param workDir - scratch space for rpmbuild
 * @returns the repository directory
 */
export function buildTinyRepo(outDir: string, packages: readonly TinyPackage[], workDir: string): string {
  return buildRepoFromSpecs(
    outDir,
    packages.map((pkg) => ({
      key: `${pkg.name}-${pkg.version}-${pkg.release ?? "1"}`,
      name: pkg.name,
      spec: specText(pkg),
    })),
    workDir,
  );
}

function specText(pkg: TinyPackage): string {
  const data = tinyDataContent(pkg).trimEnd();
  return [
    `Name: ${pkg.name}`,
    `Version: ${pkg.version}`,
    `Release: ${pkg.release ?? "1"}`,
    `Summary: ${pkg.name} for grove tests`,
    "License: MIT",
    "BuildArch: noarch",
    "AutoReqProv: no",
    ...(pkg.requires ?? []).map((r) => `Requires: ${r}`),
    "",
    "%description",
    `${pkg.name}, a package built by grove's tests.`,
    "",
    "%install",
    `mkdir -p %{buildroot}/usr/share/${pkg.name} %{buildroot}/etc`,
    `echo '${data}' > %{buildroot}/usr/share/${pkg.name}/data`,
    `echo 'setting=${pkg.version}' > %{buildroot}/etc/${pkg.name}.conf`,
    ...(pkg.padding === undefined
      ? []
      : [`head -c ${pkg.padding} /dev/zero > %{buildroot}/usr/share/${pkg.name}/padding`]),
    "",
    "%files",
    `/usr/share/${pkg.name}`,
    `%config(noreplace) /etc/${pkg.name}.conf`,
    "",
  ].join("\n");
}
