import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { GroveError, isSha256Hex, type JsonValue } from "@grove/core/store";

/** One package of a generation: exactly what was installed (a lockfile line). */
export interface GenerationPackage {
  /** `%{NEVRA}`, e.g. `bash-5.2.15-2.x86_64` (`name-epoch:version-release.arch` when there is an epoch). */
  nevra: string;
  /** sha256 of the package file. */
  sha256: string;
  /** The package's commit in the store. */
  commitId: string;
  /** The repository it came from, when known. */
  repo?: string;
}

/** A repository as it was when a generation was solved. */
export interface RepoSnapshot {
  /** Repository id. */
  id: string;
  /** Checksum of its `repomd.xml` (e.g. `sha256:…`), identifying the metadata revision. */
  repomdChecksum: string;
  /** Where it was fetched from, when known. */
  url?: string;
}

/** Counters a generation records about its tree. */
export interface GenerationStats {
  /** Files hard-linked to store objects. */
  linked: number;
  /** Files written as copies (`/etc`, `/var`, fallbacks). */
  copied: number;
  /** Directories. */
  dirs: number;
  /** Symlinks. */
  symlinks: number;
  /** Bytes of linked files (shared with the store). */
  bytesLinked: number;
  /** Bytes of copies (this generation's own disk space, besides directories and the rpmdb). */
  bytesCopied: number;
  /** Milliseconds the assembly took. */
  elapsedMs: number;
}

/** The record of one generation, `state/roots/NAME/G.json`: its request, repositories and exact packages. */
export interface GenerationState {
  /** Always `"grove-root-generation"`. */
  format: "grove-root-generation";
  /** Always 1. */
  version: 1;
  /** Root name. */
  name: string;
  /** Generation number (1, 2, ...). */
  generation: number;
  /** When it was built (ISO 8601). */
  createdAt: string;
  /** The generation whose `/etc` and `/var` were merged into this one, or null. */
  previous: number | null;
  /** What was asked for (caller-defined, e.g. `{"packages":["apache2"]}`), to re-solve on upgrade. */
  request: JsonValue;
  /** Repositories and their metadata revisions. */
  repos: RepoSnapshot[];
  /** Installed packages in install order. */
  packages: GenerationPackage[];
  /** The generation's root commit (ref `roots/NAME/G`), which references the package commits. */
  rootCommit: string;
  /** Tree counters. */
  stats: GenerationStats;
  /** Anything else worth keeping (merge summary, rpmdb key, warnings). */
  details: { [key: string]: JsonValue };
}

/**
 * Writes a generation's state atomically (temp file + rename in the same directory).
 * @param file - `state/roots/NAME/G.json`
 * @param value - the record (any JSON for the manifest)
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`, { mode: 0o644 });
  renameSync(tmp, file);
}

/**
 * Reads and checks a generation's state file. Throws `CHECKOUT_GENERATION_NOT_FOUND` when it does not
 * exist and `CHECKOUT_BAD_STATE` when it is not a valid record.
 * @param file - `state/roots/NAME/G.json`
 */
export function readGenerationStateFile(file: string): GenerationState {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new GroveError("CHECKOUT_GENERATION_NOT_FOUND", `no generation record ${file}`, { subject: file });
    }
    throw err;
  }
  let value: Partial<GenerationState>;
  try {
    value = JSON.parse(text) as Partial<GenerationState>;
  } catch (cause) {
    throw badState(file, "is not JSON", cause);
  }
  if (value === null || typeof value !== "object" || value.format !== "grove-root-generation") {
    throw badState(file, 'is not a generation record (format is not "grove-root-generation")');
  }
  if (value.version !== 1) throw badState(file, `has version ${JSON.stringify(value.version)}, expected 1`);
  if (!Number.isSafeInteger(value.generation) || !Array.isArray(value.packages) || !isSha256Hex(value.rootCommit)) {
    throw badState(file, "lacks a generation number, package list or root commit");
  }
  for (const p of value.packages) {
    if (typeof p?.nevra !== "string" || !isSha256Hex(p.commitId) || typeof p.sha256 !== "string") {
      throw badState(file, `has a malformed package ${JSON.stringify(p)}`);
    }
  }
  return value as GenerationState;
}

function badState(file: string, what: string, cause?: unknown): GroveError {
  return new GroveError("CHECKOUT_BAD_STATE", `${file} ${what}`, {
    subject: file,
    hint: "the grove directory's state was damaged; remove the generation with `grove rm` or restore the file",
    ...(cause === undefined ? {} : { cause }),
  });
}
