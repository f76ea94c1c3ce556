/**
 * The package sets the scenarios use. The full benchmark serves one combined repository holding every package
 * of the corpus sets `bench/make-corpus` built (`bench/out/<set>/`), as a distribution mirror would, plus the
 * update repository `bench/out/updates-ssl` and the 60k-package metadata `bench/out/scale` for the solver.
 * @packageDocumentation
 */

import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { createRepodata } from "../corpus/repo-metadata.js";

/** One package set: what to ask for, and how to describe it. */
export interface CorpusSet {
  /** Short name (`apache2`). */
  name: string;
  /** The specs handed to grove and `dnf install`. */
  specs: string[];
  /** For the table header, e.g. `113 packages, 8,460 entries, 209 MB`. */
  description: string;
}

/** Everything the scenarios need from a corpus. */
export interface BenchCorpus {
  /** `full` (bench/out) or `quick` (the generated mini corpus). */
  kind: "full" | "quick";
  /** The repository every set installs from (served over HTTP). */
  repoDir: string;
  /** The update repository: one package of {@link BenchCorpus.first} rebuilt. */
  updatesDir: string;
  /** What the update changes, for the table (`libssl3`). */
  updateDescription: string;
  /** The first root (cold and warm assemble, upgrades). */
  first: CorpusSet;
  /** The second root, assembled after the first. */
  second: CorpusSet;
  /** The third root of the disk scenario. */
  third: CorpusSet;
  /** Metadata the solver scenario loads (a local directory). */
  solveRepoDir: string;
  /** What the solver scenario asks for. */
  solveSpecs: string[];
  /** For the table (`65,564 packages`). */
  solveDescription: string;
}

/** The corpus manifest fields the benchmark reads (`bench/out/<set>/corpus.json`). */
interface CorpusManifest {
  kind: "corpus" | "update" | "scale";
  requested?: string[];
  installSet?: string[];
  /** The packages (corpus and update sets), or their count (the scale set). */
  packages?: Array<{ name: string; rpmFile: string; rpmSha256: string }> | number;
  totals?: { packages: number; entries: number; contentBytes: number };
}

function manifestPackages(manifest: CorpusManifest): Array<{ name: string; rpmFile: string; rpmSha256: string }> {
  return Array.isArray(manifest.packages) ? manifest.packages : [];
}

function readManifest(dir: string): CorpusManifest {
  const file = path.join(dir, "corpus.json");
  if (!existsSync(file)) {
    throw new GroveError(
      "BENCH_NO_CORPUS",
      `${file} is missing: build it with bench/make-corpus (bench/corpus/README.md)`,
      {
        subject: file,
      },
    );
  }
  return JSON.parse(readFileSync(file, "utf8")) as CorpusManifest;
}

/** `113 packages, 8,460 entries, 209 MB`. */
function describeTotals(manifest: CorpusManifest): string {
  const t = manifest.totals;
  if (t === undefined) return "";
  return `${t.packages} packages, ${t.entries.toLocaleString("en-US")} entries, ${Math.round(t.contentBytes / 1e6)} MB`;
}

function corpusSet(outDir: string, name: string): CorpusSet {
  const manifest = readManifest(path.join(outDir, name));
  return { name, specs: manifest.installSet ?? manifest.requested ?? [name], description: describeTotals(manifest) };
}

/**
 * The full corpus under `outDir` (`bench/out`): sets apache2, postgresql-15 and nginx+python3, served from one
 * combined repository built (once, cached under `cacheDir`) from every corpus set there.
 * @throws GroveError `BENCH_NO_CORPUS` when a set is missing, `BENCH_CORPUS_CONFLICT` when two sets hold
 *   different packages under one file name
 */
export async function fullCorpus(outDir: string, cacheDir: string): Promise<BenchCorpus> {
  const sets = ["apache2", "postgresql-15", "nginx+python3"].map((name) => corpusSet(outDir, name)) as [
    CorpusSet,
    CorpusSet,
    CorpusSet,
  ];
  const scale = readManifest(path.join(outDir, "scale"));
  const updates = readManifest(path.join(outDir, "updates-ssl"));
  const repoDir = await combinedRepo(outDir, cacheDir);
  const solveSpecs = ["apache2", "postgresql-15", "nginx", "python3", "build-essential"];
  const scalePackages = typeof scale.packages === "number" ? scale.packages : undefined;
  return {
    kind: "full",
    repoDir,
    updatesDir: path.join(outDir, "updates-ssl"),
    updateDescription: manifestPackages(updates)
      .map((p) => p.name)
      .join(", "),
    first: sets[0],
    second: sets[1],
    third: sets[2],
    solveRepoDir: path.join(outDir, "scale"),
    solveSpecs,
    solveDescription: `${scalePackages === undefined ? "60k" : scalePackages.toLocaleString("en-US")} packages`,
  };
}

/**
 * One repository with the packages of every corpus set in `outDir` (hard links), with `createrepo_c` metadata;
 * rebuilt only when the package list changes.
 */
async function combinedRepo(outDir: string, cacheDir: string): Promise<string> {
  const files = new Map<string, { source: string; sha256: string }>();
  for (const name of readdirSync(outDir).sort()) {
    const dir = path.join(outDir, name);
    if (!existsSync(path.join(dir, "corpus.json"))) continue;
    const manifest = readManifest(dir);
    if (manifest.kind !== "corpus") continue;
    for (const p of manifestPackages(manifest)) {
      const known = files.get(p.rpmFile);
      if (known !== undefined && known.sha256 !== p.rpmSha256) {
        throw new GroveError("BENCH_CORPUS_CONFLICT", `${p.rpmFile} differs between corpus sets (${dir})`, {
          subject: p.rpmFile,
        });
      }
      files.set(p.rpmFile, { source: path.join(dir, "Packages", p.rpmFile[0] ?? "", p.rpmFile), sha256: p.rpmSha256 });
    }
  }
  const key = createHash("sha256")
    .update(
      [...files.values()]
        .map((f) => f.sha256)
        .sort()
        .join("\n"),
    )
    .digest("hex")
    .slice(0, 16);
  const repoDir = path.join(cacheDir, `combined-${key}`);
  if (existsSync(path.join(repoDir, "repodata", "repomd.xml"))) return repoDir;
  const building = `${repoDir}.tmp`;
  rmSync(building, { recursive: true, force: true });
  for (const [file, { source }] of files) {
    const target = path.join(building, "Packages", file[0] ?? "", file);
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      linkSync(source, target);
    } catch {
      await copyFile(source, target);
    }
  }
  await createRepodata(building, undefined);
  writeFileSync(path.join(building, "packages.txt"), `${[...files.keys()].sort().join("\n")}\n`);
  renameSync(building, repoDir);
  return repoDir;
}
