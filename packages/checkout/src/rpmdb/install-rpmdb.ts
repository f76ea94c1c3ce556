/**
 * Placing an rpmdb in a root where the distribution's rpm looks for it.
 * @packageDocumentation
 */
// Synchronous calls: a handful of system calls on one root's small files, microseconds each, where a round trip
// through libuv's thread pool costs 0.1-1 ms of waiting (this runs in every assemble).
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  symlinkSync,
} from "node:fs";
import path from "node:path";
import { GroveError } from "@grove/core/store";
import { RPMDB_FILE_NAME } from "./schema.js";
import { writeDatabaseFile } from "./write-rpmdb.js";

/** Where rpm ≥ 4.17 on Fedora ≥ 36, RHEL ≥ 10 and openSUSE keeps its database, relative to the root. */
export const RPMDB_DIR = "usr/lib/sysimage/rpm";

/** The traditional database directory, relative to the root; a compat symlink to {@link RPMDB_DIR}. */
export const LEGACY_RPMDB_DIR = "var/lib/rpm";

/**
 * Target of the `/var/lib/rpm` symlink. Relative, so it resolves inside the root both in a container and when the
 * host runs `rpm --root R --dbpath /var/lib/rpm` (an absolute target would point at the host's directory).
 */
export const LEGACY_RPMDB_LINK_TARGET = "../../usr/lib/sysimage/rpm";

/** Options of {@link installRpmdb}. */
export interface InstallRpmdbOptions {
  /** Also make `/var/lib/rpm` a symlink to the database directory, as Fedora does (default true). */
  legacyLink?: boolean;
}

/**
 * Installs an rpmdb into a root: `<root>/usr/lib/sysimage/rpm/rpmdb.sqlite` (a copy with mode 0644, never a link,
 * written through a temporary file and renamed), creating missing directories with mode 0755, removing stale
 * SQLite `-wal`/`-shm`/`-journal` files, and making `<root>/var/lib/rpm` a symlink to `../../usr/lib/sysimage/rpm`
 * (replacing an existing symlink or an empty directory).
 * @param rootDir - the root directory
 * @param db - the database bytes, or the path of a database file to copy
 * @returns the path of the installed database file
 * @throws GroveError `CHECKOUT_RPMDB_INSTALL_FAILED` when a directory on the way is a symlink or not a directory,
 *   `/var/lib/rpm` is a non-empty directory or a file, or a copy fails; `CHECKOUT_RPMDB_WRITE_FAILED`
 */
export async function installRpmdb(
  rootDir: string,
  db: Uint8Array | string,
  options: InstallRpmdbOptions = {},
): Promise<string> {
  const dbDir = ensureDirectory(rootDir, RPMDB_DIR);
  const target = path.join(dbDir, RPMDB_FILE_NAME);
  if (typeof db === "string") copyDatabaseFile(db, target);
  else await writeDatabaseFile(target, db);
  if (options.legacyLink ?? true) linkLegacyDir(rootDir);
  return target;
}

function copyDatabaseFile(source: string, target: string): void {
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    copyFileSync(source, tmp);
    chmodSync(tmp, 0o644);
    for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(target + suffix, { force: true });
    renameSync(tmp, target);
  } catch (cause) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // nothing to clean
    }
    throw installFailed(target, `cannot copy the rpm database from ${source}: ${String(cause)}`, cause);
  }
}

/** `lstat`, or `undefined` when the path does not exist; other failures become `CHECKOUT_RPMDB_INSTALL_FAILED`. */
function lstatOrNone(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw installFailed(file, `cannot inspect: ${(err as Error).message}`, err);
  }
}

/** Creates `rel` under `root` component by component, refusing symlinks and non-directories on the way. */
function ensureDirectory(root: string, rel: string): string {
  let current = root;
  for (const part of rel.split("/")) {
    current = path.join(current, part);
    const st = lstatOrNone(current);
    if (st === undefined) {
      try {
        mkdirSync(current, { mode: 0o755 });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        if (e.code !== "EEXIST") throw installFailed(current, `cannot create the directory: ${e.message}`, err);
      }
      const again = lstatSync(current);
      if (!again.isDirectory()) throw installFailed(current, "is not a directory");
    } else if (!st.isDirectory()) {
      const what = st.isSymbolicLink() ? "a symlink" : "not a directory";
      throw installFailed(current, `is ${what}; the rpm database directory must be a real directory in the root`);
    }
  }
  return current;
}

function linkLegacyDir(root: string): void {
  const parent = ensureDirectory(root, path.dirname(LEGACY_RPMDB_DIR));
  const link = path.join(parent, path.basename(LEGACY_RPMDB_DIR));
  const st = lstatOrNone(link);
  if (st?.isSymbolicLink()) {
    if (readlinkSync(link) === LEGACY_RPMDB_LINK_TARGET) return;
    rmSync(link);
  } else if (st?.isDirectory()) {
    const entries = readdirSync(link);
    if (entries.length > 0) {
      throw installFailed(
        link,
        `is a directory holding ${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", ..." : ""}; ` +
          `expected nothing or a symlink to ${LEGACY_RPMDB_LINK_TARGET}`,
      );
    }
    rmdirSync(link);
  } else if (st !== undefined) {
    throw installFailed(link, `is a file; expected a symlink to ${LEGACY_RPMDB_LINK_TARGET}`);
  }
  try {
    symlinkSync(LEGACY_RPMDB_LINK_TARGET, link);
  } catch (err) {
    throw installFailed(link, `cannot create the symlink: ${(err as Error).message}`, err);
  }
}

function installFailed(subject: string, what: string, cause?: unknown): GroveError {
  return new GroveError("CHECKOUT_RPMDB_INSTALL_FAILED", `${subject}: ${what}`, {
    subject,
    ...(cause === undefined ? {} : { cause }),
  });
}
