/**
 * Fetching .deb files with `apt-get download` into a cache directory, reusing what is already there.
 * apt verifies every download against the index; the index's SHA256 is the .deb's cache identity.
 * @packageDocumentation
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import type { AptPackage } from "./apt-closure.js";
import { parseStanzas } from "./deb822.js";
import { runCommand } from "./run-command.js";

/** A .deb in the cache. */
export interface CachedDeb {
  /** The package it is. */
  pkg: AptPackage;
  /** Path of the file. */
  path: string;
  /** sha256 from the archive index (hex). */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/** The file name `apt-get download` writes: `name_version_arch.deb` with `:` escaped as `%3a`. */
export function debFileName(pkg: AptPackage): string {
  return `${pkg.name}_${pkg.version.replace(/:/g, "%3a")}_${pkg.arch}.deb`;
}

/** SHA256 and Size of each package version from the apt index. */
async function indexRecords(packages: readonly AptPackage[]): Promise<Map<string, { sha256: string; size: number }>> {
  const out = new Map<string, { sha256: string; size: number }>();
  const batch = 200;
  for (let i = 0; i < packages.length; i += batch) {
    const specs = packages.slice(i, i + batch).map((p) => `${p.name}:${p.arch}=${p.version}`);
    const { stdout } = await runCommand("apt-cache", ["show", ...specs]);
    for (const stanza of parseStanzas(stdout, "apt-cache show")) {
      const key = `${stanza.get("Package")}=${stanza.get("Version")}=${stanza.get("Architecture")}`;
      const sha256 = stanza.get("SHA256");
      const size = Number(stanza.get("Size"));
      if (sha256 !== undefined && Number.isFinite(size) && !out.has(key)) out.set(key, { sha256, size });
    }
  }
  return out;
}

/** True when `file` exists with exactly `size` bytes. */
async function present(file: string, size: number): Promise<boolean> {
  try {
    return (await stat(file)).size === size;
  } catch {
    return false;
  }
}

/**
 * Make sure every package's .deb is in `debDir` (downloading the missing ones in one `apt-get download` run).
 * @throws GroveError `CORPUS_NOT_IN_INDEX` when apt's index has no checksum for a package, `CORPUS_DOWNLOAD_FAILED`
 *   when a file is still missing after the download.
 */
export async function ensureDebs(packages: readonly AptPackage[], debDir: string): Promise<CachedDeb[]> {
  await mkdir(debDir, { recursive: true });
  const records = await indexRecords(packages);
  const debs: CachedDeb[] = packages.map((pkg) => {
    const record = records.get(`${pkg.name}=${pkg.version}=${pkg.arch}`);
    if (record === undefined) {
      throw new GroveError("CORPUS_NOT_IN_INDEX", `${pkg.name} ${pkg.version} (${pkg.arch}): not in apt's index`, {
        subject: pkg.name,
        hint: "run apt-get update",
      });
    }
    return { pkg, path: path.join(debDir, debFileName(pkg)), ...record };
  });
  const missing: CachedDeb[] = [];
  for (const deb of debs) if (!(await present(deb.path, deb.size))) missing.push(deb);
  if (missing.length > 0) {
    await runCommand(
      "apt-get",
      ["download", "-q", ...missing.map((d) => `${d.pkg.name}:${d.pkg.arch}=${d.pkg.version}`)],
      {
        cwd: debDir,
      },
    );
    for (const deb of missing) {
      if (!(await present(deb.path, deb.size))) {
        throw new GroveError("CORPUS_DOWNLOAD_FAILED", `apt-get download did not produce ${deb.path}`, {
          subject: deb.pkg.name,
        });
      }
    }
  }
  return debs;
}
