/**
 * The metadata-only scale repository: Debian's whole amd64 package index (every `Packages` list apt has) converted
 * to rpm-md, with the same relation mapping as the corpus packages, for the solver benchmark. No package files.
 * @packageDocumentation
 */
import { access, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { CONVERTER_VERSION } from "./converted-package.js";
import { requireField, type Stanza, streamStanzas } from "./deb822.js";
import { debianVersionToRpm } from "./debian-version.js";
import { MANIFEST_FILE, packageLocation, prepareOutputDir } from "./output-dir.js";
import { BUILD_HOST, SOURCE_DATE_EPOCH } from "./rpm-build.js";
import type { RpmDependency } from "./rpm-dependencies.js";
import { type RpmMdPackage, RpmMdWriter } from "./rpmmd-writer.js";
import { runCommand, streamCommand } from "./run-command.js";
import {
  BASE_VARIANT,
  flatDependencies,
  packageEvr,
  providesOf,
  requirements,
  rpmArch,
  splitDescription,
} from "./spec-from-deb.js";
import { rpmFileName } from "./spec-writer.js";

/** The manifest of a scale repository. */
export interface ScaleManifest {
  /** Always `scale`. */
  kind: "scale";
  /** The converter version. */
  converter: string;
  /** The apt list files read. */
  indexes: string[];
  /** Packages in primary.xml. */
  packages: number;
  /** Stanzas skipped because the same name, version and architecture came earlier. */
  duplicates: number;
}

/** The amd64 `Packages` lists apt has downloaded (from `apt-get indextargets`). */
export async function packagesIndexFiles(): Promise<string[]> {
  const { stdout } = await runCommand("apt-get", [
    "indextargets",
    "--format",
    "$(FILENAME)",
    "Identifier: Packages",
    "Architecture: amd64",
  ]);
  const files: string[] = [];
  for (const file of stdout.split("\n").map((l) => l.trim())) {
    if (file === "") continue;
    try {
      await access(file);
      files.push(file);
    } catch {
      // a configured source whose list was never downloaded
    }
  }
  if (files.length === 0) {
    throw new GroveError("CORPUS_NO_APT_LISTS", "apt has no amd64 Packages list", { hint: "run apt-get update" });
  }
  return files;
}

/** Every stanza of one (possibly compressed) list, decompressed by apt itself. */
function indexStanzas(file: string): { stanzas: AsyncGenerator<Stanza>; done: Promise<void> } {
  const cat = streamCommand("/usr/lib/apt/apt-helper", ["cat-file", file]);
  return { stanzas: streamStanzas(cat.stdout, file), done: cat.done };
}

/** The source package file name: `Source: name (version)` or `Source: name`, else the binary's own. */
function sourceRpm(stanza: Stanza, name: string, version: string): string {
  const source = /^(\S+)(?:\s+\((\S+)\))?/.exec(stanza.get("Source") ?? "");
  const sourceName = source?.[1] ?? name;
  const sourceVersion = debianVersionToRpm(source?.[2] ?? version);
  return `${sourceName}-${sourceVersion.version}-${sourceVersion.release}.src.rpm`;
}

/**
 * One Packages stanza as an rpm-md package, with the corpus's relation mapping.
 * @throws GroveError `CORPUS_BAD_CONTROL`, `CORPUS_BAD_VERSION`, `CORPUS_BAD_RELATION`, `CORPUS_UNSUPPORTED_ARCH`.
 */
export function stanzaToRpmMd(stanza: Stanza, file: string): RpmMdPackage {
  const name = requireField(stanza, "Package", file);
  const version = requireField(stanza, "Version", `${file}: ${name}`);
  const subject = `${file}: ${name} ${version}`;
  const evr = packageEvr(stanza, BASE_VARIANT, subject);
  const arch = rpmArch(requireField(stanza, "Architecture", subject), subject);
  const { summary, text } = splitDescription(stanza.get("Description"));
  const self: RpmDependency = { name, operator: "=", evr };
  return {
    name,
    arch,
    evr,
    pkgid: requireField(stanza, "SHA256", subject),
    summary: summary === "" ? name : summary,
    description: text,
    packager: stanza.get("Maintainer") ?? "",
    url: stanza.get("Homepage") ?? "",
    time: SOURCE_DATE_EPOCH,
    packageSize: Number(stanza.get("Size") ?? 0),
    installedSize: Number(stanza.get("Installed-Size") ?? 0) * 1024,
    href: packageLocation(rpmFileName(name, evr, arch)),
    license: `See /usr/share/doc/${name}/copyright`,
    vendor: "Debian",
    group: stanza.get("Section") ?? "unknown",
    buildhost: BUILD_HOST,
    sourcerpm: sourceRpm(stanza, name, version),
    provides: [self, ...providesOf(stanza, evr, subject)],
    requires: requirements(stanza, ["Pre-Depends", "Depends"], subject),
    conflicts: flatDependencies(stanza, ["Conflicts", "Breaks"], subject),
    recommends: requirements(stanza, ["Recommends"], subject),
    suggests: requirements(stanza, ["Suggests"], subject),
    enhances: requirements(stanza, ["Enhances"], subject),
  };
}

/** The identity used to drop a stanza repeated in several lists. */
function stanzaKey(stanza: Stanza): string {
  return `${stanza.get("Package")}\u0000${stanza.get("Version")}\u0000${stanza.get("Architecture")}`;
}

/**
 * Write the scale repository into `outDir`: `repodata/` with primary, filelists (no files) and other (no
 * changelogs), plus `corpus.json`. Reads every list twice (once to count, once to write) so memory stays flat.
 */
export async function buildScaleRepo(
  outDir: string,
  log: (line: string) => void = () => undefined,
): Promise<{ manifest: ScaleManifest; seconds: number }> {
  const start = performance.now();
  const indexes = await packagesIndexFiles();
  const seen = new Set<string>();
  for (const file of indexes) {
    const { stanzas, done } = indexStanzas(file);
    for await (const stanza of stanzas) seen.add(stanzaKey(stanza));
    await done;
  }
  log(`scale: ${seen.size} packages in ${indexes.length} lists`);
  await prepareOutputDir(outDir);
  const writer = await RpmMdWriter.open(outDir, seen.size);
  const written = new Set<string>();
  let duplicates = 0;
  for (const file of indexes) {
    const { stanzas, done } = indexStanzas(file);
    for await (const stanza of stanzas) {
      const key = stanzaKey(stanza);
      if (written.has(key)) {
        duplicates++;
        continue;
      }
      written.add(key);
      await writer.add(stanzaToRpmMd(stanza, path.basename(file)));
    }
    await done;
  }
  const packages = await writer.close(SOURCE_DATE_EPOCH);
  const manifest: ScaleManifest = { kind: "scale", converter: CONVERTER_VERSION, indexes, packages, duplicates };
  await writeFile(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, seconds: Math.round((performance.now() - start) / 10) / 100 };
}
