/**
 * The repositories of a grove directory driven by the library stand-in, kept in `<dir>/bench-repos.json`
 * (the CLI keeps its own configuration; this file is only the stand-in's).
 * @packageDocumentation
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GroveError } from "@grove/core";

/** A repository a grove directory uses. */
export interface GroveRepo {
  /** Repository id. */
  id: string;
  /** Base URL (`http://...` or `file://...`). */
  url: string;
}

/** The file that lists the stand-in's repositories. */
export function benchReposFile(dir: string): string {
  return path.join(dir, "bench-repos.json");
}

/** Writes the repository list of grove directory `dir`. */
export function writeBenchRepos(dir: string, repos: readonly GroveRepo[]): void {
  writeFileSync(benchReposFile(dir), `${JSON.stringify(repos, null, 2)}\n`);
}

/**
 * Reads the repository list of grove directory `dir`.
 * @throws GroveError `BENCH_NO_REPOS` when the file is missing or malformed.
 */
export function readBenchRepos(dir: string): GroveRepo[] {
  const file = benchReposFile(dir);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new GroveError("BENCH_NO_REPOS", `${file}: cannot read the repository list`, { subject: file, cause });
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((r) => typeof r?.id === "string" && typeof r?.url === "string" && r.url !== "")
  ) {
    throw new GroveError("BENCH_NO_REPOS", `${file}: expected a list of {"id","url"}`, { subject: file });
  }
  return parsed as GroveRepo[];
}
