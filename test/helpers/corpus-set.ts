/**
 * Builds a set of the realistic corpus (real Debian binaries rebuilt as RPMs by `bench/corpus`) for a test, so
 * that tests never depend on a corpus someone built by hand. Downloads and converted packages are cached in
 * `GROVE_CORPUS_CACHE` (default `bench/cache`), so only the first build on a machine is slow.
 */
import path from "node:path";
import { buildCorpus, type CorpusManifest } from "../../bench/corpus/corpus-builder.js";
import { repoRoot } from "./real-rpm-fixtures.js";

/** Where downloaded .debs and converted RPMs are cached between runs. */
export const corpusCacheDir = process.env.GROVE_CORPUS_CACHE ?? path.join(repoRoot, "bench", "cache");

/** A built corpus set: its rpm-md repository directory and its manifest. */
export interface BuiltCorpusSet {
  /** The repository directory (`Packages/`, `repodata/`, `corpus.json`). */
  dir: string;
  /** What was built, incl. the install set to hand to dnf. */
  manifest: CorpusManifest;
}

/**
 * Builds the corpus set for `packages` into `outDir` (a fresh directory the test owns).
 * @param outDir - output directory, created by the builder
 * @param packages - the Debian package names whose closure makes the set
 */
export async function buildCorpusSet(outDir: string, packages: readonly string[]): Promise<BuiltCorpusSet> {
  const { manifest } = await buildCorpus({ outDir, packages: [...packages], cacheDir: corpusCacheDir });
  return { dir: outDir, manifest };
}
