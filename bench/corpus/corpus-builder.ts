/**
 * Building a corpus repository (`make-corpus OUTDIR PKG...`) and an update repository
 * (`make-corpus --update OUTDIR PKG...`) from Debian packages.
 * @packageDocumentation
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { type AptPackage, aptClosure, corpusClosure, essentialPackages } from "./apt-closure.js";
import { convertDeb, removeStaleWork } from "./convert-deb.js";
import { CONVERTER_VERSION, type ConvertedPackage } from "./converted-package.js";
import { type CachedDeb, ensureDebs } from "./deb-download.js";
import { MANIFEST_FILE, placePackage, prepareOutputDir } from "./output-dir.js";
import { BUILDSYS_GROUP, createRepodata, writeComps } from "./repo-metadata.js";
import { BASE_VARIANT, type ConversionVariant } from "./spec-from-deb.js";
import { mapWithLimit } from "./task-pool.js";
import { UPDATE_RELEASE_SUFFIX } from "./update-change.js";

/** The most rpmbuild processes the builder runs at once (the machine is shared). */
export const MAX_JOBS = 2;

/** Options of {@link buildCorpus} and {@link buildUpdate}. */
export interface CorpusOptions {
  /** The repository directory to (re)write. */
  outDir: string;
  /** Debian package names requested. */
  packages: readonly string[];
  /** Cache root: `.deb` downloads in `debs/`, conversions in `rpms/`. */
  cacheDir: string;
  /** Parallel conversions, 1 or 2 (default 2). */
  jobs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** The manifest written to `OUTDIR/corpus.json`. */
export interface CorpusManifest {
  /** `corpus` or `update`. */
  kind: "corpus" | "update";
  /** The converter that produced the packages. */
  converter: string;
  /** The packages the user named. */
  requested: string[];
  /** What apt was asked to install (requested + Essential + extras); pass these to `dnf install`. */
  installSet: string[];
  /** Comps groups in the repository. */
  groups: string[];
  /** Every package in the repository, sorted by name. */
  packages: ConvertedPackage[];
  /** Sums over `packages`. */
  totals: { packages: number; entries: number; contentBytes: number; rpmBytes: number };
}

/** What a build did and how long each phase took. */
export interface CorpusResult {
  /** The manifest written. */
  manifest: CorpusManifest;
  /** Packages converted in this run. */
  built: number;
  /** Packages taken from the conversion cache. */
  cached: number;
  /** Seconds per phase. */
  seconds: { closure: number; download: number; convert: number; repodata: number; total: number };
}

const since = (start: number): number => Math.round((performance.now() - start) / 10) / 100;

function validateOptions(options: CorpusOptions): number {
  if (options.packages.length === 0) {
    throw new GroveError("CORPUS_NO_PACKAGES", "name at least one Debian package to build the corpus from");
  }
  const jobs = options.jobs ?? MAX_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) {
    throw new GroveError("CORPUS_BAD_JOBS", `--jobs must be 1 or ${MAX_JOBS}, got ${jobs}`);
  }
  return jobs;
}

/** Convert every .deb, place the packages in `outDir`, and count cache hits. */
async function convertAll(
  debs: readonly CachedDeb[],
  options: CorpusOptions,
  jobs: number,
  variant: ConversionVariant,
  variantKey: string,
): Promise<{ packages: ConvertedPackage[]; built: number; cached: number }> {
  const log = options.log ?? (() => undefined);
  await removeStaleWork(options.cacheDir);
  let done = 0;
  let built = 0;
  const results = await mapWithLimit(debs, jobs, async (deb) => {
    const start = performance.now();
    const result = await convertDeb({
      debPath: deb.path,
      debSha256: deb.sha256,
      name: deb.pkg.name,
      cacheDir: options.cacheDir,
      variant,
      variantKey,
    });
    await placePackage(result.rpmPath, options.outDir, result.pkg.rpmFile);
    done++;
    if (!result.cached) {
      built++;
      log(`[${done}/${debs.length}] ${result.pkg.rpmFile} (${result.pkg.payload}, ${since(start)} s)`);
    }
    return result.pkg;
  });
  const packages = results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { packages, built, cached: debs.length - built };
}

function totals(packages: readonly ConvertedPackage[]): CorpusManifest["totals"] {
  return {
    packages: packages.length,
    entries: packages.reduce((s, p) => s + p.entries, 0),
    contentBytes: packages.reduce((s, p) => s + p.contentBytes, 0),
    rpmBytes: packages.reduce((s, p) => s + p.rpmSize, 0),
  };
}

async function writeManifest(outDir: string, manifest: CorpusManifest): Promise<void> {
  await writeFile(path.join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Build a corpus repository: the apt closure of `packages` (+ Essential + usr-is-merged) converted to RPMs, with
 * repodata (and a `buildsys-build` comps group when build-essential is requested).
 */
export async function buildCorpus(options: CorpusOptions): Promise<CorpusResult> {
  const jobs = validateOptions(options);
  const log = options.log ?? (() => undefined);
  const t0 = performance.now();
  const essential = await essentialPackages();
  const { roots, packages: closure } = await corpusClosure(
    options.packages,
    essential,
    path.join(options.cacheDir, "apt"),
  );
  const closureSeconds = since(t0);
  log(`closure: ${closure.length} packages from ${roots.length} roots (${closureSeconds} s)`);
  const t1 = performance.now();
  const debs = await ensureDebs(closure, path.join(options.cacheDir, "debs"));
  const downloadSeconds = since(t1);
  log(`downloads: ${debs.length} .debs ready (${downloadSeconds} s)`);
  await prepareOutputDir(options.outDir);
  const t2 = performance.now();
  const { packages, built, cached } = await convertAll(debs, options, jobs, BASE_VARIANT, "base");
  const convertSeconds = since(t2);
  log(`converted: ${built} built, ${cached} from cache (${convertSeconds} s)`);
  const t3 = performance.now();
  const groups: string[] = [];
  let groupFile: string | undefined;
  if (options.packages.includes("build-essential")) {
    groupFile = path.join(options.outDir, "comps.xml");
    await writeComps(groupFile, ["build-essential", ...roots.filter((r) => r !== "build-essential")]);
    groups.push(BUILDSYS_GROUP);
  }
  await createRepodata(options.outDir, groupFile);
  const repodataSeconds = since(t3);
  const manifest: CorpusManifest = {
    kind: "corpus",
    converter: CONVERTER_VERSION,
    requested: [...options.packages],
    installSet: [...roots].sort(),
    groups,
    packages,
    totals: totals(packages),
  };
  return finishBuild(options.outDir, manifest, { built, cached }, t0, {
    closure: closureSeconds,
    download: downloadSeconds,
    convert: convertSeconds,
    repodata: repodataSeconds,
  });
}

/**
 * Build an update repository: just `packages`, at apt's candidate versions, rebuilt with the release bumped by
 * {@link UPDATE_RELEASE_SUFFIX} and one real content change each; `=` relations between them are bumped too.
 */
export async function buildUpdate(options: CorpusOptions): Promise<CorpusResult> {
  const jobs = validateOptions(options);
  const t0 = performance.now();
  const names = new Set(options.packages);
  const solution = await aptClosure([...names], path.join(options.cacheDir, "apt"));
  const selected: AptPackage[] = solution.filter((p) => names.has(p.name));
  const missing = [...names].filter((n) => !selected.some((p) => p.name === n));
  if (missing.length > 0) {
    throw new GroveError("CORPUS_UNKNOWN_PACKAGE", `apt has no installable candidate for ${missing.join(", ")}`);
  }
  const closureSeconds = since(t0);
  const t1 = performance.now();
  const debs = await ensureDebs(selected, path.join(options.cacheDir, "debs"));
  const downloadSeconds = since(t1);
  await prepareOutputDir(options.outDir);
  const variant: ConversionVariant = {
    releaseSuffix: UPDATE_RELEASE_SUFFIX,
    rewrite: (name, operator, evr) =>
      operator === "=" && names.has(name) ? { ...evr, release: `${evr.release}${UPDATE_RELEASE_SUFFIX}` } : evr,
  };
  const variantKey = `update:${UPDATE_RELEASE_SUFFIX}:${[...names].sort().join(",")}`;
  const t2 = performance.now();
  const { packages, built, cached } = await convertAll(debs, options, jobs, variant, variantKey);
  const convertSeconds = since(t2);
  const t3 = performance.now();
  await createRepodata(options.outDir, undefined);
  const repodataSeconds = since(t3);
  const manifest: CorpusManifest = {
    kind: "update",
    converter: CONVERTER_VERSION,
    requested: [...options.packages],
    installSet: [...names].sort(),
    groups: [],
    packages,
    totals: totals(packages),
  };
  return finishBuild(options.outDir, manifest, { built, cached }, t0, {
    closure: closureSeconds,
    download: downloadSeconds,
    convert: convertSeconds,
    repodata: repodataSeconds,
  });
}

/** Writes the manifest and assembles the result of a corpus or update build started at `t0`. */
async function finishBuild(
  outDir: string,
  manifest: CorpusManifest,
  counts: { built: number; cached: number },
  t0: number,
  phases: Omit<CorpusResult["seconds"], "total">,
): Promise<CorpusResult> {
  await writeManifest(outDir, manifest);
  return { manifest, ...counts, seconds: { ...phases, total: since(t0) } };
}
