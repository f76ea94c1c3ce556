/**
 * The rpmdb cache of a grove directory, `cache/rpmdb/<key>.rpmdb.gz`: the databases of removed roots, gzipped (fast
 * level; about a quarter of their size), with the header number of each package, so a root assembled again with the
 * same package set gets a copy without SQLite. While a root exists its own database is the copy (see
 * `findRpmdbSources`), so the cache holds nothing twice. Only a cache: anything unreadable is a miss.
 * @packageDocumentation
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { RootLayout } from "./generations/grove-layout.js";
import { generationRpmdbSource, readIntactRpmdb } from "./root-rpmdb-sources.js";
import { writeCacheFile } from "./store/cache-file.js";

/** First line of a cache file. */
const CACHE_FORMAT = "grove-rpmdb-cache-1";

/** Inflated cache files larger than this are not read (a database for thousands of packages is far smaller). */
const MAX_INFLATED = 512 * 1024 * 1024;

/** A cached database. */
export interface CachedRpmdb {
  /** The database file's bytes. */
  bytes: Uint8Array;
  /** `NEVRA sha256` of each package, aligned with {@link CachedRpmdb.hnums}. */
  packageKeys: string[];
  /** The header number of each package. */
  hnums: number[];
}

/** `<dir>/cache/rpmdb`. */
export function rpmdbCacheDir(dir: string): string {
  return path.join(dir, "cache", "rpmdb");
}

/** `<dir>/cache/rpmdb/<key>.rpmdb.gz`. */
export function cachedRpmdbFile(dir: string, key: string): string {
  return path.join(rpmdbCacheDir(dir), `${key}.rpmdb.gz`);
}

/** The cached database for package-set key `key`; `undefined` when there is none or it cannot be read. */
export function readCachedRpmdb(dir: string, key: string): CachedRpmdb | undefined {
  try {
    const raw = gunzipSync(readFileSync(cachedRpmdbFile(dir, key)), {
      maxOutputLength: MAX_INFLATED,
    });
    const newline = raw.indexOf(10);
    if (newline < 0) return undefined;
    const head = JSON.parse(raw.subarray(0, newline).toString("utf8")) as Partial<
      CachedRpmdb & { format: string; key: string }
    >;
    const { packageKeys, hnums } = head;
    if (head.format !== CACHE_FORMAT || head.key !== key || !Array.isArray(packageKeys) || !Array.isArray(hnums)) {
      return undefined;
    }
    if (packageKeys.length !== hnums.length || !hnums.every((h) => Number.isSafeInteger(h) && h > 0)) return undefined;
    if (!packageKeys.every((k) => typeof k === "string")) return undefined;
    return { bytes: raw.subarray(newline + 1), packageKeys, hnums };
  } catch {
    return undefined;
  }
}

/**
 * Keeps a database in the cache under `key` (temporary file + rename; a failure to write is ignored, the cache is
 * an optimisation).
 */
export function writeCachedRpmdb(dir: string, key: string, db: CachedRpmdb): void {
  const head = JSON.stringify({ format: CACHE_FORMAT, key, packageKeys: db.packageKeys, hnums: db.hnums });
  const body = Buffer.concat([Buffer.from(`${head}\n`, "utf8"), db.bytes]);
  writeCacheFile(cachedRpmdbFile(dir, key), gzipSync(body, { level: 1 }));
}

/**
 * Keeps the database of generation `generation` of a root in the cache before the generation is removed, when its
 * file is still what grove wrote and the cache lacks its package set. Never fails: the cache is an optimisation.
 * @param dir - the grove directory
 * @param layout - the root
 * @param generation - the generation about to be removed
 */
export function keepRemovedRpmdb(dir: string, layout: RootLayout, generation: number): void {
  try {
    const source = generationRpmdbSource(layout, generation);
    if (source === undefined || existsSync(cachedRpmdbFile(dir, source.record.key))) return;
    const bytes = readIntactRpmdb(source);
    if (bytes === undefined) return;
    writeCachedRpmdb(dir, source.record.key, { bytes, packageKeys: source.packageKeys, hnums: source.record.hnums });
  } catch {
    // nothing kept
  }
}

/** Removes what an older grove kept in the cache (uncompressed `<key>.sqlite` files, never read now). */
export function removeLegacyRpmdbCache(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(rpmdbCacheDir(dir));
  } catch {
    return;
  }
  for (const name of names) {
    if (name.endsWith(".sqlite")) rmSync(path.join(rpmdbCacheDir(dir), name), { force: true });
  }
}
