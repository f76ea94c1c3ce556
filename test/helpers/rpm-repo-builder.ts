/**
 * Builds an rpm-md repository from spec files with the real tools: one `rpmbuild -bb` per spec (noarch,
 * reproducible: fixed SOURCE_DATE_EPOCH, no build-id links, no post-install processing), the RPMs gathered in
 * `outDir/Packages/`, then `createrepo_c`. The test repositories (`tiny-rpm-repo.ts`, the CLI's bulk
 * repository) differ only in their specs.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** One package build. */
export interface SpecBuild {
  /** Name of the build's own `rpmbuild` top directory under the work directory (unique per build). */
  key: string;
  /** Package name (the spec file's name, and for messages). */
  name: string;
  /** The spec file's text. */
  spec: string;
  /** Extra rpm macros, e.g. `{ _binary_payload: "w6.gzdio" }`. */
  defines?: Record<string, string>;
}

/**
 * Builds every spec and writes the repository metadata.
 * @param outDir - the repository directory (created)
 * @param builds - the packages
 * @param workDir - scratch space for rpmbuild
 * @returns the repository directory
 */
export function buildRepoFromSpecs(outDir: string, builds: readonly SpecBuild[], workDir: string): string {
  const pkgDir = path.join(outDir, "Packages");
  mkdirSync(pkgDir, { recursive: true });
  for (const build of builds) {
    const top = path.join(workDir, `rpmbuild-${build.key}`);
    mkdirSync(path.join(top, "SPECS"), { recursive: true });
    const spec = path.join(top, "SPECS", `${build.name}.spec`);
    writeFileSync(spec, build.spec);
    const defines: Record<string, string> = {
      _topdir: top,
      _build_id_links: "none",
      __os_install_post: "%{nil}",
      ...build.defines,
    };
    const result = spawnSync(
      "rpmbuild",
      ["-bb", "--quiet", ...Object.entries(defines).flatMap(([name, value]) => ["--define", `${name} ${value}`]), spec],
      { encoding: "utf8", env: { ...process.env, HOME: workDir, SOURCE_DATE_EPOCH: "1735689600" } },
    );
    if (result.status !== 0) throw new Error(`rpmbuild ${build.name} failed: ${result.stderr}`);
    const rpmDir = path.join(top, "RPMS", "noarch");
    for (const file of readdirSync(rpmDir)) renameSync(path.join(rpmDir, file), path.join(pkgDir, file));
  }
  const repo = spawnSync("createrepo_c", ["--quiet", "--no-database", outDir], { encoding: "utf8" });
  if (repo.status !== 0) throw new Error(`createrepo_c failed: ${repo.stderr}`);
  return outDir;
}
