/**
 * rpm databases already in a grove directory that a new root's rpmdb can start from: the one in each generation of
 * each root, when it is still exactly the file grove wrote (its sha256 is in the generation's record).
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { JsonValue } from "@grove/core";
import { readGenerationStateFile } from "./generations/generation-state.js";
import { generationDir, type RootLayout, rootLayout, stateFile } from "./generations/grove-layout.js";
import { scanRoot } from "./generations/scan-root.js";
import { RPMDB_DIR, RPMDB_FILE_NAME } from "./rpmdb/index.js";
import { RPMDB_FORMAT } from "./rpmdb/rpmdb-key.js";
import { writeCacheFile } from "./store/cache-file.js";

/** How a generation's record (`details.rpmdb` of `state/roots/NAME/G.json`) describes the rpmdb grove gave it. */
export interface RpmdbRecord {
  /** The package-set key (see `rpmdbKey`). */
  key: string;
  /** The writer's format (`RPMDB_FORMAT`) the database was written with. */
  format: string;
  /** sha256 of the database file as written. */
  sha256: string;
  /** The header number (`Packages.hnum`) of each package of the generation, in the order of its package list. */
  hnums: number[];
  /**
   * The database file's identity right after grove wrote it ({@link rpmdbFileId}); absent in records of older
   * grove versions. While the file still has it, it is unchanged, and is copied without being read and hashed.
   */
  fileId?: string;
}

/** An rpmdb another generation carries, with the packages it holds. */
export interface RpmdbSource {
  /** The database file in that generation's tree. */
  file: string;
  /** Its record. */
  record: RpmdbRecord;
  /** `NEVRA sha256` of each package, aligned with `record.hnums`. */
  packageKeys: string[];
}

/** `NEVRA sha256`: how a package is matched between package sets. */
export function packageKey(p: { nevra: string; sha256: string }): string {
  return `${p.nevra} ${p.sha256}`;
}

/** Reads `details.rpmdb` of a generation record; `undefined` when it is missing or from an older grove. */
export function parseRpmdbRecord(value: JsonValue | undefined): RpmdbRecord | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { key, format, sha256, hnums } = value;
  if (typeof key !== "string" || typeof format !== "string" || typeof sha256 !== "string") return undefined;
  if (!Array.isArray(hnums) || !hnums.every((h) => typeof h === "number" && Number.isSafeInteger(h) && h > 0)) {
    return undefined;
  }
  const record: RpmdbRecord = { key, format, sha256, hnums: hnums as number[] };
  if (typeof value.fileId === "string") record.fileId = value.fileId;
  return record;
}

/**
 * A file's identity: device, inode, size, and modification and change times in nanoseconds. Any write to the file
 * changes its change time (which no user can set back), so a file that still has the identity it had is unchanged.
 * @param file - the file
 */
export function rpmdbFileId(file: string): string {
  const st = statSync(file, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/**
 * True when a source's database file is still the one grove wrote, known without reading it: its record has the
 * file's identity ({@link rpmdbFileId}), the file still has it, and no SQLite write-ahead log or hot journal is
 * beside it. False when that cannot be known so (then {@link readIntactRpmdb} checks the content).
 */
export function rpmdbUnchanged(source: RpmdbSource): boolean {
  try {
    if (source.record.fileId === undefined) return false;
    if (sideFileHolds(`${source.file}-wal`) || sideFileHolds(`${source.file}-journal`)) return false;
    return rpmdbFileId(source.file) === source.record.fileId;
  } catch {
    return false;
  }
}

/**
 * The rpmdbs of every generation (with a tree) of every root in grove directory `dir` whose record describes them
 * in the current writer format, current generations first. Unreadable or damaged records are skipped: a source is
 * only an optimisation.
 */
export function findRpmdbSources(dir: string): RpmdbSource[] {
  const current: RpmdbSource[] = [];
  const others: RpmdbSource[] = [];
  let names: string[];
  try {
    names = readdirSync(path.join(dir, "state", "roots"));
  } catch {
    return [];
  }
  for (const name of names) {
    try {
      const layout = rootLayout(dir, name);
      const scan = scanRoot(layout);
      for (const generation of scan.trees) {
        const source = generationRpmdbSource(layout, generation);
        if (source !== undefined) (generation === scan.current ? current : others).push(source);
      }
    } catch {
      // not a root: no sources
    }
  }
  return [...current, ...others];
}

/** `<dir>/cache/rpmdb/<key>.where`: which generation last got the rpmdb of package-set key `key`. */
function hintFile(dir: string, key: string): string {
  return path.join(dir, "cache", "rpmdb", `${key}.where`);
}

/**
 * Notes that generation `generation` of root `name` carries the rpmdb of package-set key `key`, so that the next
 * root of the same set finds it without reading every generation's record ({@link rpmdbSourceByHint}). Never
 * fails: the note is an optimisation.
 */
export function writeRpmdbSourceHint(dir: string, key: string, name: string, generation: number): void {
  writeCacheFile(hintFile(dir, key), `${JSON.stringify({ name, generation })}\n`);
}

/**
 * The rpmdb source {@link writeRpmdbSourceHint} noted for package-set key `key`, when that generation still exists
 * and its record still names this key; `undefined` otherwise (then {@link findRpmdbSources} looks everywhere).
 */
export function rpmdbSourceByHint(dir: string, key: string): RpmdbSource | undefined {
  try {
    const hint = JSON.parse(readFileSync(hintFile(dir, key), "utf8")) as { name?: unknown; generation?: unknown };
    if (typeof hint.name !== "string" || !Number.isSafeInteger(hint.generation)) return undefined;
    const layout = rootLayout(dir, hint.name);
    const source = generationRpmdbSource(layout, hint.generation as number);
    return source?.record.key === key ? source : undefined;
  } catch {
    return undefined;
  }
}

/** The rpmdb of generation `generation` of a root, as its record describes it; `undefined` when it has no usable record. */
export function generationRpmdbSource(layout: RootLayout, generation: number): RpmdbSource | undefined {
  try {
    const state = readGenerationStateFile(stateFile(layout, generation));
    const record = parseRpmdbRecord(state.details?.rpmdb);
    if (record === undefined || record.format !== RPMDB_FORMAT) return undefined;
    if (record.hnums.length !== state.packages.length) return undefined;
    return {
      file: path.join(generationDir(layout, generation), RPMDB_DIR, RPMDB_FILE_NAME),
      record,
      packageKeys: state.packages.map(packageKey),
    };
  } catch {
    return undefined;
  }
}

/**
 * The bytes of a source's database when the file is still exactly what grove wrote: same sha256, and no SQLite
 * write-ahead log or hot journal beside it (rpm writing into the root leaves one). `undefined` otherwise.
 */
export function readIntactRpmdb(source: RpmdbSource): Uint8Array | undefined {
  try {
    if (sideFileHolds(`${source.file}-wal`) || sideFileHolds(`${source.file}-journal`)) return undefined;
    const bytes = readFileSync(source.file);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    return sha256 === source.record.sha256
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : undefined;
  } catch {
    return undefined;
  }
}

function sideFileHolds(file: string): boolean {
  try {
    return statSync(file).size > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}
