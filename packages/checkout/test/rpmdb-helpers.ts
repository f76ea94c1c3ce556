/**
 * Test helpers for the rpmdb writer: the real fixtures, rpm as the oracle run as an unprivileged user, and reading
 * an rpmdb's tables back with sql.js.
 */

import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ByteReader, HEADER_MAGIC, type PackageHeaders, readPackageHeaders } from "@grove/rpm";
import initSqlJs from "sql.js";
import { rpmFilesUnder } from "../../../test/helpers/real-rpm-fixtures.js";

/** The repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** `<repo>/../shared/fixtures/real-rpms`. */
export const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");

/** The uid/gid the oracle runs as when the tests run as root (CI): `nobody`/`nogroup`. */
export const NOBODY = 65534;

/** True when running as root: rpm is then run as {@link NOBODY}. */
export const isRoot = process.getuid?.() === 0;

function haveTool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "pipe" });
  return r.status === 0;
}

/**
 * Why the oracle tests cannot run here (`""` when they can): fixtures or tools missing. In CI this is an error.
 * @param file - the test file, for the message
 */
export function oracleSkipReason(file: string): string {
  let reason = "";
  if (!existsSync(fixturesDir)) reason = `shared fixtures not found at ${fixturesDir}`;
  else if (!haveTool("rpm", ["--version"])) reason = "rpm is not installed";
  else if (!haveTool("rpm2cpio", ["--help"]) && !haveTool("cpio", ["--version"])) reason = "rpm2cpio/cpio missing";
  else if (isRoot && !haveTool("setpriv", ["--version"])) reason = "setpriv is needed to drop privileges";
  if (reason !== "" && process.env.CI) throw new Error(`${file} cannot run in CI: ${reason}`);
  if (reason !== "") console.warn(`${file} skipped: ${reason}`);
  return reason;
}

/** A temporary directory the unprivileged oracle user owns. */
export function makeUserDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  if (isRoot) chownSync(dir, NOBODY, NOBODY);
  return dir;
}

/** Gives a path to the oracle user (when root), recursively. */
export function chownToUser(target: string): void {
  if (!isRoot) return;
  spawnSync("chown", ["-R", `${NOBODY}:${NOBODY}`, target], { stdio: "pipe" });
}

/** Runs a command as the unprivileged oracle user (`setpriv` when root), with a C locale. */
export function runAsUser(
  cmd: string,
  args: string[],
  options: { cwd?: string; input?: Uint8Array; env?: Record<string, string> } = {},
): SpawnSyncReturns<string> {
  const argv = isRoot
    ? ["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", cmd, ...args]
    : [cmd, ...args];
  return spawnSync(argv[0] as string, argv.slice(1), {
    cwd: options.cwd,
    input: options.input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LC_ALL: "C", LANG: "C", HOME: "/nonexistent", ...options.env },
  });
}

/** `rpm --root ROOT --dbpath /usr/lib/sysimage/rpm ARGS...` as the unprivileged user. */
export function rpmInRoot(
  root: string,
  args: string[],
  dbpath = "/usr/lib/sysimage/rpm",
  env: Record<string, string> = {},
): SpawnSyncReturns<string> {
  return runAsUser("rpm", ["--root", root, "--dbpath", dbpath, ...args], { env });
}

/** Every `*.rpm` under the fixtures directory, sorted. */
export function listFixtures(dir = fixturesDir): string[] {
  return rpmFilesUnder(dir);
}

/** A fixture package as the tests use it. */
export interface FixturePackage {
  /** The .rpm file. */
  file: string;
  /** Its headers as grove reads them. */
  headers: PackageHeaders;
  /** The signature header with its 16-byte intro, as in the file. */
  signatureBytes: Uint8Array;
  /** `%{NEVRA}`. */
  nevra: string;
}

/** The files whose digests rpm accepts (`rpm -K --nosignature` prints `<file>: digests OK`). */
export function filesWithGoodDigests(files: readonly string[]): Set<string> {
  const r = spawnSync("rpm", ["-K", "--nosignature", ...files], { encoding: "utf8" });
  const ok = new Set<string>();
  for (const line of r.stdout.split("\n")) {
    const m = /^(.*): digests OK$/.exec(line);
    if (m) ok.add(m[1] as string);
  }
  return ok;
}

/**
 * Reads every valid fixture: rpm accepts its digests and grove reads its headers (verified).
 */
export async function readFixtures(files: readonly string[]): Promise<FixturePackage[]> {
  const out: FixturePackage[] = [];
  const valid = filesWithGoodDigests(files);
  for (const file of files) {
    if (!valid.has(file)) continue;
    let headers: PackageHeaders;
    try {
      headers = await readPackageHeaders(new ByteReader(readFileSync(file), file), { verify: true });
    } catch {
      continue;
    }
    const signatureBytes = new Uint8Array(8 + headers.signature.blob.length);
    signatureBytes.set(HEADER_MAGIC, 0);
    signatureBytes.set(headers.signature.blob, 8);
    out.push({ file, headers, signatureBytes, nevra: headers.pkg.nevra });
  }
  return out;
}

/**
 * The files rpm itself refuses to read (with its signature checks on; `rpm -qp` names them in an `error:` line),
 * e.g. a signature algorithm rpm 4.18 cannot parse.
 */
export function filesRpmRefuses(files: readonly string[]): Set<string> {
  const r = spawnSync("rpm", ["-qp", "--qf", "%{NEVRA}\\n", ...files], { encoding: "utf8", env: { ...process.env } });
  const refused = new Set<string>();
  for (const line of r.stderr.split("\n")) {
    for (const f of files) if (line.startsWith(`error: ${f}:`)) refused.add(f);
  }
  return refused;
}

/** One row of an index table. */
export interface IndexRow {
  /** Key bytes (text keys as their bytes). */
  key: string;
  /** `typeof(key)` in SQLite: `text` or `blob`. */
  keyType: string;
  /** Header instance. */
  hnum: number;
  /** Index within the tag. */
  idx: number;
}

/** The content of an rpmdb as SQL sees it. */
export interface RpmdbContent {
  /** Packages.blob by hnum. */
  blobs: Map<number, Uint8Array>;
  /** Rows of every table other than Packages, keyed by table name (in rowid order). */
  tables: Map<string, IndexRow[]>;
  /** `sqlite_master` rows `type name tbl_name sql`, sorted. */
  schema: string[];
  /** `sqlite_sequence` rows `name seq`. */
  sequence: string[];
  /** `PRAGMA journal_mode` of the file. */
  journalMode: string;
  /** File format read/write version bytes (offsets 18, 19): 1 = rollback journal, 2 = WAL. */
  formatVersions: [number, number];
}

/** Reads an rpmdb file with sql.js (keys as hex + type, so non-UTF-8 text keys compare exactly). */
export async function readRpmdb(file: string): Promise<RpmdbContent> {
  const SQL = await initSqlJs();
  const bytes = readFileSync(file);
  const db = new SQL.Database(bytes);
  try {
    const blobs = new Map<number, Uint8Array>();
    for (const [hnum, blob] of db.exec("SELECT hnum, blob FROM Packages")[0]?.values ?? []) {
      blobs.set(Number(hnum), blob as Uint8Array);
    }
    const tables = new Map<string, IndexRow[]>();
    const names = (db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? []).map((r) =>
      String(r[0]),
    );
    for (const name of names) {
      if (name === "Packages" || name.startsWith("sqlite_")) continue;
      const rows = db.exec(`SELECT hex(key), typeof(key), hnum, idx FROM '${name}' ORDER BY rowid`)[0]?.values ?? [];
      tables.set(
        name,
        rows.map(([key, keyType, hnum, idx]) => ({
          key: String(key),
          keyType: String(keyType),
          hnum: Number(hnum),
          idx: Number(idx),
        })),
      );
    }
    const schema = (db.exec("SELECT type, name, tbl_name, sql FROM sqlite_master")[0]?.values ?? [])
      .map((r) => r.join(" | "))
      .sort();
    const sequence = (db.exec("SELECT name, seq FROM sqlite_sequence")[0]?.values ?? []).map((r) => r.join(" "));
    const journalMode = String(db.exec("PRAGMA journal_mode")[0]?.values[0]?.[0]);
    return { blobs, tables, schema, sequence, journalMode, formatVersions: [bytes[18] ?? 0, bytes[19] ?? 0] };
  } finally {
    db.close();
  }
}

/** hnum → NEVRA of an rpmdb as rpm reports it (`%{DBINSTANCE} %{NEVRA}`), checking rpm said nothing on stderr. */
export function rpmInstances(root: string): Map<number, string> {
  const r = rpmInRoot(root, ["-qa", "--qf", "%{DBINSTANCE} %{NEVRA}\\n"]);
  if (r.status !== 0 || r.stderr !== "") throw new Error(`rpm -qa failed in ${root}: ${r.stderr}`);
  const out = new Map<number, string>();
  for (const line of r.stdout.split("\n")) {
    if (line === "") continue;
    const space = line.indexOf(" ");
    out.set(Number(line.slice(0, space)), line.slice(space + 1));
  }
  return out;
}

/** Extracts a package's payload into `root` as the oracle user (`rpm2cpio | cpio`, or `rpm2archive | tar` for v6). */
export function extractAsUser(file: string, root: string): void {
  const script =
    'if rpm2cpio "$1" > /dev/null 2>&1; then rpm2cpio "$1" | cpio -idmu --no-absolute-filenames --quiet; ' +
    'else rpm2archive -n - < "$1" | tar -x; fi';
  const r = runAsUser("sh", ["-c", script, "sh", file], { cwd: root });
  if (r.status !== 0) throw new Error(`extracting ${file} failed: ${r.stderr}`);
}

/** Index rows of a database keyed by NEVRA instead of hnum: table -> NEVRA -> `type hexkey idx` in rowid order. */
export function rowsByPackage(content: RpmdbContent, nevras: Map<number, string>): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const [table, rows] of content.tables) {
    const byPkg = new Map<string, string[]>();
    for (const row of rows) {
      const nevra = nevras.get(row.hnum) ?? `hnum ${row.hnum}`;
      const list = byPkg.get(nevra) ?? [];
      list.push(`${row.keyType} ${row.key} ${row.idx}`);
      byPkg.set(nevra, list);
    }
    out.set(table, byPkg);
  }
  return out;
}

/** Packages.blob as hex by NEVRA. */
export function blobsByNevra(content: RpmdbContent, nevras: Map<number, string>): Map<string, string> {
  return new Map([...content.blobs].map(([h, b]) => [nevras.get(h) ?? `hnum ${h}`, Buffer.from(b).toString("hex")]));
}

/**
 * `rpm -i --justdb --nodeps --noscripts --notriggers` of `files` into `root` as the oracle user, with
 * SOURCE_DATE_EPOCH = {@link ORACLE_EPOCH} (rpm then uses it as the transaction id and gives the packages install
 * times counting up from it, in its install order).
 */
export function rpmJustdb(root: string, files: readonly string[]): void {
  const args = [
    "-i",
    "--justdb",
    "--nodeps",
    "--noscripts",
    "--notriggers",
    "--ignorearch",
    "--ignoreos",
    "--replacefiles",
    ...files,
  ];
  const r = rpmInRoot(root, args, "/usr/lib/sysimage/rpm", { SOURCE_DATE_EPOCH: String(ORACLE_EPOCH) });
  if (r.status !== 0) throw new Error(`rpm -i --justdb failed: ${r.stderr}`);
}

/** The time `rpm -i` runs with (SOURCE_DATE_EPOCH): its tid, and the INSTALLTIME of its first package. */
export const ORACLE_EPOCH = 1_700_000_000;

/** INSTALLTIME by NEVRA and the transaction id of a database rpm wrote. */
export function rpmInstallTimes(root: string): { times: Map<string, number>; tid: number } {
  const out = rpmInRoot(root, ["-qa", "--qf", "%{NEVRA} %{INSTALLTIME} %{INSTALLTID}\\n"]).stdout;
  const times = new Map<string, number>();
  const tids = new Set<number>();
  for (const line of out.split("\n")) {
    if (line === "") continue;
    const [nevra, time, tid] = line.split(" ");
    times.set(nevra as string, Number(time));
    tids.add(Number(tid));
  }
  if (tids.size !== 1) throw new Error(`expected one INSTALLTID in ${root}, got ${[...tids].join(", ")}`);
  return { times, tid: [...tids][0] as number };
}
