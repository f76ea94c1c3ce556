import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RepoSnapshot } from "../generations/generation-state.js";
import type { CurrentGeneration } from "./current-generation.js";
import { groveCacheDir } from "./grove-dir.js";
import { sameSnapshots } from "./grove-repos.js";

/**
 * A cache entry, `cache/upgrade/NAME.json`, saying "generation G of NAME was re-solved against these
 * repository revisions and configuration and nothing changed". Without it, a root whose generation
 * was solved against older metadata would be re-solved by every `upgrade` (the generation's own
 * record is never rewritten, so it keeps naming the older revisions). It is a cache: losing it
 * only costs one solve.
 */
interface UpToDateNote {
  generation: number;
  rootCommit: string;
  repos: RepoSnapshot[];
  repoConfig: string;
}

function noteFile(dir: string, name: string): string {
  return path.join(groveCacheDir(dir), "upgrade", `${name}.json`);
}

/**
 * True when a previous upgrade found this exact generation up to date against these repository
 * revisions and configuration.
 * @param dir - the grove directory
 * @param name - the root
 * @param current - its current generation
 * @param repos - the repository revisions now
 * @param repoConfig - the repository configuration fingerprint now
 */
export function hasUpToDateNote(
  dir: string,
  name: string,
  current: CurrentGeneration,
  repos: readonly RepoSnapshot[],
  repoConfig: string,
): boolean {
  let note: Partial<UpToDateNote>;
  try {
    note = JSON.parse(readFileSync(noteFile(dir, name), "utf8")) as Partial<UpToDateNote>;
  } catch {
    return false;
  }
  return (
    note.generation === current.generation &&
    note.rootCommit === current.state.rootCommit &&
    note.repoConfig === repoConfig &&
    Array.isArray(note.repos) &&
    sameSnapshots(note.repos, repos)
  );
}

/**
 * Records that the current generation is up to date against these repositories (best effort: a
 * cache that cannot be written is skipped).
 * @param dir - the grove directory
 * @param name - the root
 * @param current - its current generation
 * @param repos - the repository revisions
 * @param repoConfig - the repository configuration fingerprint
 */
export function writeUpToDateNote(
  dir: string,
  name: string,
  current: CurrentGeneration,
  repos: readonly RepoSnapshot[],
  repoConfig: string,
): void {
  const file = noteFile(dir, name);
  const note: UpToDateNote = {
    generation: current.generation,
    rootCommit: current.state.rootCommit,
    repos: [...repos],
    repoConfig,
  };
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(note)}\n`);
    renameSync(tmp, file);
  } catch {
    // a cache: skip
  }
}
