/**
 * The package files a dnf-built root consists of, found in the corpus repository by rpm's file name
 * (`NAME-VERSION-RELEASE.ARCH.rpm`), for `rpm -i` of exactly the same packages.
 * @packageDocumentation
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { GroveError } from "@grove/core";
import { runMeasured } from "../measured-command.js";
import { rpmQueryAll } from "../peers/rpm-install.js";

function indexRpms(dir: string, into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) indexRpms(full, into);
    else if (entry.name.endsWith(".rpm")) into.set(entry.name, full);
  }
  return into;
}

/**
 * The package files installed in `root`, from the repository directories `repoDirs`.
 * @throws GroveError `BENCH_PACKAGE_FILE_MISSING` when an installed package has no file there
 */
export async function installedPackageFiles(
  root: string,
  repoDirs: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string[]> {
  const index = new Map<string, string>();
  for (const dir of repoDirs) indexRpms(dir, index);
  const query = await runMeasured(rpmQueryAll(root, env));
  return query.stdout
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const [name, version, release, arch] = line.split(" ");
      const file = `${name}-${version}-${release}.${arch}.rpm`;
      const found = index.get(file);
      if (found === undefined) {
        throw new GroveError(
          "BENCH_PACKAGE_FILE_MISSING",
          `${file} (installed in ${root}) is not in ${repoDirs.join(", ")}`,
        );
      }
      return found;
    })
    .sort();
}
