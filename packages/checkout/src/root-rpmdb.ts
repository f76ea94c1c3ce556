import { createHash } from "node:crypto";
import type { JsonValue, Store } from "@grove/core";
import { readCachedRpmdb, removeLegacyRpmdbCache } from "./root-rpmdb-cache.js";
import {
  findRpmdbSources,
  packageKey,
  type RpmdbRecord,
  type RpmdbSource,
  readIntactRpmdb,
  rpmdbFileId,
  rpmdbSourceByHint,
  rpmdbUnchanged,
} from "./root-rpmdb-sources.js";
import { buildRpmdb, installRpmdb, RPMDB_FORMAT, readRpmdbPackages, rpmdbKey, updateRpmdb } from "./rpmdb/index.js";

/** How {@link installRootRpmdb} came by the database. */
export type RootRpmdbOrigin = "copied" | "updated" | "built";

/** What {@link installRootRpmdb} did. */
export interface RootRpmdbResult {
  /** The database file in the root. */
  path: string;
  /** The package-set key (see `rpmdbKey`). */
  key: string;
  /** True when another root's database for the same package set was copied. */
  reused: boolean;
  /** Copied from another root, updated from another root's database, or built from all headers. */
  origin: RootRpmdbOrigin;
  /** sha256 of the database file written. */
  sha256: string;
  /** The header number (`Packages.hnum`) of each package, in the order of the input. */
  hnums: number[];
  /** The database file's identity as written (see `rpmdbFileId`), for the record. */
  fileId?: string;
  /** Milliseconds taken. */
  elapsedMs: number;
}

/** A package as the rpmdb step needs it. */
export interface RpmdbInputPackage {
  /** `%{NEVRA}`. */
  nevra: string;
  /** sha256 of the package file. */
  sha256: string;
  /** Its commit (whose metadata names the header object). */
  commitId: string;
}

/**
 * Gives a root its rpm database, as a copy (never a link): `usr/lib/sysimage/rpm/rpmdb.sqlite` plus the
 * `var/lib/rpm` compatibility symlink. The single place where checkout calls the rpmdb writer. The databases
 * already in the grove directory are the starting points: each generation of every root (its record,
 * {@link rootRpmdbRecord}, gives the database's sha256, file identity and header numbers; a database is used only
 * while its file is byte for byte what grove wrote: it still has the identity recorded, and is then copied by the
 * kernel unread, or else it hashes to the sha256 recorded) and the compressed cache of removed roots' databases
 * (`cache/rpmdb/`, see `keepRemovedRpmdb`):
 * 1. a database for the same package set is copied, from a root or else from the cache;
 * 2. else a root's database closest to the new set (at most half the packages changed) is updated: the dropped
 *    packages' rows deleted, the new packages' headers added (only those are read from the store);
 * 3. else the database is built from every package's header.
 * The uncompressed cache files of older grove versions (`cache/rpmdb/<key>.sqlite`) are removed.
 * @param store - the store (header objects; the grove directory holds the roots)
 * @param rootDir - the root being built
 * @param packages - the root's packages in install order (a fresh database numbers its rows in this order)
 */
export async function installRootRpmdb(
  store: Store,
  rootDir: string,
  packages: readonly RpmdbInputPackage[],
): Promise<RootRpmdbResult> {
  const started = performance.now();
  const key = rpmdbKey(packages);
  const keys = packages.map(packageKey);
  removeLegacyRpmdbCache(store.dir);
  let made = (await fromSources(store, packages, keys, key)) ?? (await buildAll(store, packages));
  let file = await installRpmdb(rootDir, "file" in made ? made.file : made.bytes);
  if ("file" in made && idOrNone(made.file) !== made.fileId) {
    // The source was written to while the kernel copied it (rpm in that root): the copy may be torn.
    made = await buildAll(store, packages);
    file = await installRpmdb(rootDir, made.bytes);
  }
  const sha256 = "file" in made ? made.sha256 : (made.sha256 ?? createHash("sha256").update(made.bytes).digest("hex"));
  const fileId = idOrNone(file);
  return {
    path: file,
    key,
    reused: made.origin === "copied",
    origin: made.origin,
    sha256,
    hnums: made.hnums,
    ...(fileId === undefined ? {} : { fileId }),
    elapsedMs: performance.now() - started,
  };
}

/** The file's identity, or `undefined` when it cannot be had (the record then lacks it: the next copy hashes). */
function idOrNone(file: string): string | undefined {
  try {
    return rpmdbFileId(file);
  } catch {
    return undefined;
  }
}

/** The record of a root's rpmdb kept in its generation's state (`details.rpmdb`), read back by later builds. */
export function rootRpmdbRecord(result: RootRpmdbResult): { [key: string]: JsonValue } {
  const record: RpmdbRecord = { key: result.key, format: RPMDB_FORMAT, sha256: result.sha256, hnums: result.hnums };
  if (result.fileId !== undefined) record.fileId = result.fileId;
  return { ...record, reused: result.reused, origin: result.origin };
}

/** A database made or found for the new root: its bytes. */
interface MadeRpmdbBytes {
  bytes: Uint8Array;
  hnums: number[];
  origin: RootRpmdbOrigin;
  /** sha256 of `bytes`, when already known (a source checked intact). */
  sha256?: string;
}

/** Another generation's database file, unchanged since grove wrote it: copied by the kernel, never read here. */
interface MadeRpmdbFile {
  file: string;
  /** The identity it has, and must still have once copied. */
  fileId: string;
  /** Its sha256, from its record. */
  sha256: string;
  hnums: number[];
  origin: "copied";
}

type MadeRpmdb = MadeRpmdbBytes | MadeRpmdbFile;

async function buildAll(store: Store, packages: readonly RpmdbInputPackage[]): Promise<MadeRpmdbBytes> {
  const input = await readRpmdbPackages(
    store,
    packages.map((p) => p.commitId),
  );
  const { bytes } = await buildRpmdb(input);
  return { bytes, hnums: packages.map((_, i) => i + 1), origin: "built" };
}

async function fromSources(
  store: Store,
  packages: readonly RpmdbInputPackage[],
  keys: readonly string[],
  key: string,
): Promise<MadeRpmdb | undefined> {
  if (new Set(keys).size !== keys.length) return undefined;
  const copy = (source: RpmdbSource): MadeRpmdb | undefined => {
    if (source.record.key !== key) return undefined;
    const hnums = mapHnums(source.packageKeys, source.record.hnums, keys);
    if (hnums === undefined) return undefined;
    const { fileId, sha256 } = source.record;
    // Unchanged since grove wrote it: the kernel copies the file, which is not read and hashed here.
    if (fileId !== undefined && rpmdbUnchanged(source))
      return { file: source.file, fileId, sha256, hnums, origin: "copied" };
    const bytes = readIntactRpmdb(source);
    return bytes === undefined ? undefined : { bytes, hnums, origin: "copied", sha256 };
  };
  const hinted = rpmdbSourceByHint(store.dir, key);
  const fromHint = hinted === undefined ? undefined : copy(hinted);
  if (fromHint !== undefined) return fromHint;
  const sources = findRpmdbSources(store.dir);
  for (const source of sources) {
    const made = copy(source);
    if (made !== undefined) return made;
  }
  const cached = readCachedRpmdb(store.dir, key);
  const cachedHnums = cached === undefined ? undefined : mapHnums(cached.packageKeys, cached.hnums, keys);
  if (cached !== undefined && cachedHnums !== undefined)
    return { bytes: cached.bytes, hnums: cachedHnums, origin: "copied" };
  const wanted = new Set(keys);
  const ranked = sources
    .map((source) => ({ source, changes: changesFrom(source, wanted) }))
    .filter((c) => c.changes <= packages.length / 2)
    .sort((a, b) => a.changes - b.changes);
  for (const { source } of ranked) {
    const made = await updateFrom(store, source, packages, keys);
    if (made !== undefined) return made;
  }
  return undefined;
}

/** Packages to remove plus packages to add to turn `source` into the set `wanted`. */
function changesFrom(source: RpmdbSource, wanted: ReadonlySet<string>): number {
  const have = new Set(source.packageKeys);
  let changes = 0;
  for (const k of have) if (!wanted.has(k)) changes++;
  for (const k of wanted) if (!have.has(k)) changes++;
  return changes;
}

/** The header number of each of `keys` in a database holding `have` as `hnums`; `undefined` when one is missing. */
function mapHnums(have: readonly string[], hnums: readonly number[], keys: readonly string[]): number[] | undefined {
  if (have.length !== keys.length) return undefined;
  const byKey = new Map(have.map((k, i) => [k, hnums[i] as number]));
  const out: number[] = [];
  for (const k of keys) {
    const hnum = byKey.get(k);
    if (hnum === undefined) return undefined;
    out.push(hnum);
  }
  return out;
}

async function updateFrom(
  store: Store,
  source: RpmdbSource,
  packages: readonly RpmdbInputPackage[],
  keys: readonly string[],
): Promise<MadeRpmdbBytes | undefined> {
  const base = readIntactRpmdb(source);
  if (base === undefined) return undefined;
  const wanted = new Set(keys);
  const had = new Map(source.packageKeys.map((k, i) => [k, source.record.hnums[i] as number]));
  const remove = source.packageKeys.filter((k) => !wanted.has(k)).map((k) => had.get(k) as number);
  const addIndexes = keys.flatMap((k, i) => (had.has(k) ? [] : [i]));
  const add = await readRpmdbPackages(
    store,
    addIndexes.map((i) => (packages[i] as RpmdbInputPackage).commitId),
  );
  let updated: Awaited<ReturnType<typeof updateRpmdb>>;
  try {
    updated = await updateRpmdb(base, { remove, add });
  } catch (err) {
    // A database that turns out not to be usable is only a missed shortcut; bad headers fail the full build too.
    if ((err as { code?: string }).code === "CHECKOUT_RPMDB_BAD_BASE") return undefined;
    throw err;
  }
  const hnums = keys.map((k) => had.get(k) ?? 0);
  addIndexes.forEach((i, n) => {
    hnums[i] = updated.added[n] as number;
  });
  return { bytes: updated.bytes, hnums, origin: "updated" };
}
