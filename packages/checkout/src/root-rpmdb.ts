import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import type { Store } from "@grove/core";
import { buildRpmdb, installRpmdb, readRpmdbPackages, rpmdbKey, writeDatabaseFile } from "./rpmdb/index.js";

/** What {@link installRootRpmdb} did. */
export interface RootRpmdbResult {
  /** The database file in the root. */
  path: string;
  /** The package-set key (see `rpmdbKey`); the database is cached under it. */
  key: string;
  /** True when a database built earlier for the same package set was copied. */
  reused: boolean;
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
 * `var/lib/rpm` compatibility symlink. The database for a package set is built once and kept in
 * `<dir>/cache/rpmdb/<key>.sqlite`, keyed by the set's NEVRAs and file sha256s, so later generations
 * and other roots with the same set only copy it. The single place where checkout calls the rpmdb writer.
 * @param store - the store (header objects; the cache lives beside it)
 * @param rootDir - the root being built
 * @param packages - the root's packages in install order (rpmdb rows are numbered in this order)
 */
export async function installRootRpmdb(
  store: Store,
  rootDir: string,
  packages: readonly RpmdbInputPackage[],
): Promise<RootRpmdbResult> {
  const started = performance.now();
  const key = rpmdbKey(packages);
  const cacheDir = path.join(store.dir, "cache", "rpmdb");
  const cached = path.join(cacheDir, `${key}.sqlite`);
  let reused = true;
  if (!existsSync(cached)) {
    reused = false;
    const input = await readRpmdbPackages(
      store,
      packages.map((p) => p.commitId),
    );
    const { bytes } = await buildRpmdb(input);
    mkdirSync(cacheDir, { recursive: true });
    await writeDatabaseFile(cached, bytes);
  }
  const file = await installRpmdb(rootDir, cached);
  return { path: file, key, reused, elapsedMs: performance.now() - started };
}
