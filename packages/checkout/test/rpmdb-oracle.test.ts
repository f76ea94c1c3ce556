/**
 * The rpmdb writer against rpm 4.18 as the oracle, on the real fixture packages: rpm (run as an unprivileged user
 * when the tests run as root) lists, queries and verifies grove's database exactly as the database it writes itself
 * with `rpm -i --justdb`, and the two databases hold the same header bytes and index rows.
 */

import { lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isSourceHeader, readFiles } from "@grove/rpm";
import initSqlJs from "sql.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpusSet } from "../../../test/helpers/corpus-set.js";
import { buildRpmdb, installRpmdb, type RpmdbPackage, writeRpmdb } from "../src/rpmdb/index.js";
import {
  blobsByNevra,
  chownToUser,
  extractAsUser,
  type FixturePackage,
  filesRpmRefuses,
  listFixtures,
  makeUserDir,
  ORACLE_EPOCH,
  oracleSkipReason,
  type RpmdbContent,
  readFixtures,
  readRpmdb,
  rowsByPackage,
  rpmInRoot,
  rpmInstallTimes,
  rpmInstances,
  rpmJustdb,
  runAsUser,
} from "./rpmdb-helpers.js";

const skipReason = oracleSkipReason("rpmdb-oracle.test.ts");
const DB_DIR = "usr/lib/sysimage/rpm";
const dirs: string[] = [];

function userDir(prefix: string): string {
  const dir = makeUserDir(prefix);
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function headerOnly(p: FixturePackage): RpmdbPackage {
  return { headerBytes: p.headers.headerBytes, subject: p.file };
}

function withSignature(p: FixturePackage): RpmdbPackage {
  return { headerBytes: p.headers.headerBytes, signatureBytes: p.signatureBytes, subject: p.file };
}

/** Writes a database for `packages` into a fresh root owned by the oracle user; returns the root. */
async function rootWithDb(prefix: string, packages: RpmdbPackage[]): Promise<string> {
  const root = userDir(prefix);
  const dbFile = path.join(root, "built.sqlite");
  await writeRpmdb(dbFile, packages, { installTime: ORACLE_EPOCH, installTid: ORACLE_EPOCH });
  await installRpmdb(root, dbFile);
  rmSync(dbFile);
  chownToUser(root);
  return root;
}

function sortedLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

describe.skipIf(skipReason !== "")("rpmdb.sqlite written by grove, read by rpm 4.18", () => {
  /** Binary packages with an immutable region that rpm reads: what an rpmdb can hold. */
  const installable: FixturePackage[] = [];
  /** The first of `installable` for each NEVRA: what `rpm -i` installs side by side. */
  let unique: FixturePackage[] = [];
  /** Valid fixtures rpm never records: v3 headers and source packages. */
  const notInstallable: FixturePackage[] = [];
  /** `rpm -i --justdb` of `unique`, as the oracle user. */
  let justdbRoot = "";
  /** INSTALLTIME rpm gave each package (by NEVRA). */
  let justdbTimes = new Map<string, number>();

  beforeAll(async () => {
    const fixtures = await readFixtures(listFixtures());
    const refused = filesRpmRefuses(fixtures.map((f) => f.file));
    for (const f of fixtures) {
      if (refused.has(f.file)) continue;
      if (isSourceHeader(f.headers.header) || f.headers.header.region === undefined) notInstallable.push(f);
      else installable.push(f);
    }
    const seen = new Set<string>();
    unique = installable.filter((f) => !seen.has(f.nevra) && seen.add(f.nevra) !== undefined);

    justdbRoot = userDir("grove-rpmdb-justdb-");
    rpmJustdb(
      justdbRoot,
      unique.map((f) => f.file),
    );
    const { times, tid } = rpmInstallTimes(justdbRoot);
    expect(tid).toBe(ORACLE_EPOCH);
    justdbTimes = times;
  });

  /** The package with the install time rpm gave it. */
  function asRpmInstalledIt(p: RpmdbPackage, i: number): RpmdbPackage {
    const installTime = justdbTimes.get((unique[i] as FixturePackage).nevra);
    expect(installTime).toBeDefined();
    return { ...p, installTime };
  }

  it("uses every valid fixture: the installable binary packages and the ones rpm never records", () => {
    expect(installable.length + notInstallable.length).toBe(126); // 127 valid, 1 whose ECDSA signature rpm 4.18 refuses
    expect(installable.length).toBe(108);
    expect(unique.length).toBe(83);
    expect(unique.length).toBe(rpmInstances(justdbRoot).size);
  });

  it("rpm -qa lists exactly the packages, from header bytes alone, with nothing on stderr", async () => {
    const root = await rootWithDb("grove-rpmdb-qa-", installable.map(headerOnly));
    const r = rpmInRoot(root, ["-qa", "--qf", "%{NEVRA}\\n"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(sortedLines(r.stdout)).toEqual(installable.map((f) => f.nevra).sort());
    // The same through the /var/lib/rpm compat symlink.
    const viaLegacy = rpmInRoot(root, ["-qa", "--qf", "%{NEVRA}\\n"], "/var/lib/rpm");
    expect(viaLegacy.stderr).toBe("");
    expect(sortedLines(viaLegacy.stdout)).toEqual(sortedLines(r.stdout));
    expect(readlinkSync(path.join(root, "var/lib/rpm"))).toBe("../../usr/lib/sysimage/rpm");
    // A reader leaves no -wal/-shm behind: the file is in rollback-journal mode.
    expect(readdirSync(path.join(root, DB_DIR))).toEqual(["rpmdb.sqlite"]);
    const stat = lstatSync(path.join(root, DB_DIR, "rpmdb.sqlite"));
    expect(stat.mode & 0o7777).toBe(0o644);
    expect(stat.nlink).toBe(1);
  });

  it("holds the same header bytes and index rows as rpm -i --justdb", async () => {
    const root = await rootWithDb("grove-rpmdb-same-", unique.map(withSignature).map(asRpmInstalledIt));
    const oursNevra = rpmInstances(root);
    const rpmNevra = rpmInstances(justdbRoot);
    const ours = await readRpmdb(path.join(root, DB_DIR, "rpmdb.sqlite"));
    const theirs = await readRpmdb(path.join(justdbRoot, DB_DIR, "rpmdb.sqlite"));

    // hnum follows the input order for grove, rpm's transaction order for rpm.
    expect([...oursNevra.values()]).toEqual(unique.map((f) => f.nevra));
    const rpmBlobByNevra = blobsByNevra(theirs, rpmNevra);
    let identical = 0;
    for (const [hnum, blob] of ours.blobs) {
      const nevra = oursNevra.get(hnum) as string;
      expect(Buffer.from(blob).toString("hex"), nevra).toBe(rpmBlobByNevra.get(nevra));
      identical++;
    }
    expect(identical).toBe(83);

    const ourRows = rowsByPackage(ours, oursNevra);
    const rpmRows = rowsByPackage(theirs, rpmNevra);
    expect([...ourRows.keys()].sort()).toEqual([...rpmRows.keys()].sort());
    let rowCount = 0;
    for (const [table, byPkg] of rpmRows) {
      expect(ourRows.get(table), table).toEqual(byPkg);
      for (const rows of byPkg.values()) rowCount += rows.length;
    }
    expect(rowCount).toBeGreaterThan(4000);
    // Rich dependencies are indexed under their parts too (rpm-rich-deps-1.0-1 requires `(... or ...)`).
    const richRows = ourRows.get("Requirename")?.get("rpm-rich-deps-1.0-1.noarch") ?? [];
    expect(richRows.filter((r) => r.startsWith("text 28")).length).toBeGreaterThan(0);
    expect(richRows.length).toBeGreaterThan(richRows.filter((r) => r.startsWith("text 28")).length);

    // Same schema text (rpm's own statements), minus the statistics rpm's PRAGMA optimize leaves.
    expect(ours.schema).toEqual(theirs.schema.filter((s) => !s.includes("sqlite_stat1")));
    expect(ours.sequence).toEqual(["Packages 83"]);
    expect(theirs.sequence).toEqual(["Packages 83"]);
    // rpm leaves its database in WAL mode; grove's is a plain rollback-journal file an image can ship.
    expect(ours.formatVersions).toEqual([1, 1]);
    expect(ours.journalMode).toBe("delete");
    expect(theirs.formatVersions).toEqual([2, 2]);
  });

  it("answers -qi, -ql, --whatprovides, --whatrequires, -qf and the other queries like rpm's own database", async () => {
    const root = await rootWithDb("grove-rpmdb-query-", unique.map(withSignature).map(asRpmInstalledIt));
    const names = (tag: string) => [
      ...new Set(unique.flatMap((f) => f.headers.header.getStrings(tagNumber(tag)) ?? [])),
    ];
    const nevras = unique.map((f) => f.nevra);
    const files = [...new Set(unique.flatMap((f) => readFiles(f.headers.header).map((file) => file.path)))];
    const queries: [string, string[]][] = [
      ["-qa", ["--qf", QUERY_FORMAT]],
      ["-qi", nevras],
      ["-ql", ["-v", ...nevras]],
      ["--whatprovides", names("PROVIDENAME")],
      ["--whatrequires", [...names("REQUIRENAME"), "bash", "zsh", "rpmlib(CompressedFileNames)"]],
      ["--whatconflicts", names("CONFLICTNAME")],
      ["--whatobsoletes", names("OBSOLETENAME")],
      ["--whatrecommends", names("RECOMMENDNAME")],
      ["--whatsuggests", names("SUGGESTNAME")],
      ["--whatsupplements", names("SUPPLEMENTNAME")],
      ["--whatenhances", names("ENHANCENAME")],
      ["--triggeredby", names("TRIGGERNAME")],
      ["-qf", files],
      ["-q", ["--filetriggers", ...nevras]],
    ];
    let answered = 0;
    for (const [query, args] of queries) {
      expect(args.length, query).toBeGreaterThan(0);
      const argv = query === "-qa" || query === "-qi" || query === "-ql" ? [query, ...args] : ["-q", query, ...args];
      const ours = rpmInRoot(root, argv);
      const theirs = rpmInRoot(justdbRoot, argv);
      expect(ours.stderr, query).toBe(theirs.stderr);
      expect(ours.status, query).toBe(theirs.status);
      // Several packages can answer one argument; each database lists them in its own hnum order.
      expect(sortedLines(ours.stdout), query).toEqual(sortedLines(theirs.stdout));
      answered += sortedLines(ours.stdout).length;
    }
    expect(answered).toBeGreaterThan(5000);
  });

  it("without the signature header: header digests computed, checked by rpm on every read", async () => {
    const root = await rootWithDb("grove-rpmdb-nosig-", unique.map(headerOnly));
    const oursNevra = rpmInstances(root);
    const ours = await readRpmdb(path.join(root, DB_DIR, "rpmdb.sqlite"));
    const theirs = await readRpmdb(path.join(justdbRoot, DB_DIR, "rpmdb.sqlite"));
    const rpmNevra = rpmInstances(justdbRoot);
    // Every package rpm recorded a SHA1HEADER for gets the same Sha1header row from grove.
    const sha1 = (c: RpmdbContent, n: Map<number, string>) =>
      new Map((c.tables.get("Sha1header") ?? []).map((r) => [n.get(r.hnum), r.key]));
    const rpmSha1 = sha1(theirs, rpmNevra);
    const ourSha1 = sha1(ours, oursNevra);
    expect(rpmSha1.size).toBeGreaterThan(60);
    for (const [nevra, key] of rpmSha1) expect(ourSha1.get(nevra), nevra).toBe(key);
    // The region is byte for byte the package's main header.
    for (const [hnum, blob] of ours.blobs) {
      const pkg = unique[hnum - 1] as FixturePackage;
      const region = pkg.headers.headerBytes.subarray(16 + 16 * (pkg.headers.header.region?.indexCount ?? 0));
      expect(Buffer.from(blob).indexOf(Buffer.from(region)), pkg.nevra).toBeGreaterThan(0);
    }

    // Flip one byte inside the first package's region: rpm's digest check must catch it and skip the package.
    const dbFile = path.join(root, DB_DIR, "rpmdb.sqlite");
    const SQL = await initSqlJs();
    const db = new SQL.Database(readFileSync(dbFile));
    const blob = new Uint8Array(ours.blobs.get(1) as Uint8Array);
    const il = new DataView(blob.buffer).getUint32(0);
    blob[8 + 16 * il + 2] ^= 0x01;
    db.run("UPDATE Packages SET blob = ? WHERE hnum = 1", [blob]);
    writeFileSync(dbFile, db.export());
    db.close();
    const r = rpmInRoot(root, ["-qa", "--qf", "%{NEVRA}\\n"]);
    expect(r.stderr).toMatch(/skipping h#\s+1\b[\s\S]*SHA256 digest: BAD/);
    expect(sortedLines(r.stdout)).toEqual(
      unique
        .slice(1)
        .map((f) => f.nevra)
        .sort(),
    );
  });

  it("rpm -V finds an extracted root intact: no size, mode, digest, link or device mismatch", async () => {
    const chosen = nonConflicting(unique);
    expect(chosen.length).toBeGreaterThan(40);
    const root = userDir("grove-rpmdb-verify-");
    for (const f of chosen) extractAsUser(f.file, root);
    const { bytes } = await buildRpmdb(chosen.map(headerOnly));
    await installRpmdb(root, bytes);
    chownToUser(path.join(root, "usr/lib/sysimage"));

    const r = rpmInRoot(root, ["-V", "--nodeps", "--noscripts", ...chosen.map((f) => f.nevra)]);
    expect(r.stderr).toBe("");
    const modes = new Map(chosen.flatMap((f) => readFiles(f.headers.header).map((x) => [x.path, x.mode] as const)));
    const problems: string[] = [];
    let setidChecked = 0;
    for (const line of r.stdout.split("\n")) {
      if (line === "") continue;
      const m = /^([.SM5DLUGTP?]{9}|missing) +([cdglr] )?(.*)$/.exec(line);
      if (m === null) {
        problems.push(line);
        continue;
      }
      const [, flags = "", , file = ""] = m;
      const expected = modes.get(file) ?? 0;
      // rpm turns the setuid/setgid bit off in the mode it expects when the file's user/group does not exist in
      // the root (lib/rpmfi.c rpmfilesStat): check those modes directly instead.
      if (/^\.M[.UGT]{7}$/.test(flags)) {
        if ((expected & 0o6000) !== 0 && (lstatSync(path.join(root, file)).mode & 0o7777) === (expected & 0o7777)) {
          setidChecked++;
          continue;
        }
      }
      // Ownership (U, G) and mtime (T) are not kept by an unprivileged extraction; file capabilities (P) neither.
      if (/[SM5DL?]/.test(flags) || flags === "missing") problems.push(line);
    }
    expect(problems).toEqual([]);
    expect(setidChecked).toBeLessThanOrEqual(2);
    // rpm really looked: verifying a package whose file was changed reports it.
    const victim = chosen.find((f) => readFiles(f.headers.header).some((file) => isPlainFile(file.mode, file.flags)));
    expect(victim).toBeDefined();
    const file = readFiles((victim as FixturePackage).headers.header).find((x) => isPlainFile(x.mode, x.flags));
    runAsUser("sh", ["-c", 'echo tampered >> "$1"', "sh", path.join(root, file?.path as string)]);
    const after = rpmInRoot(root, ["-V", "--nodeps", "--noscripts", (victim as FixturePackage).nevra]);
    expect(after.stdout).toMatch(new RegExp(`^S\\.5.*${escapeRegExp(file?.path as string)}$`, "m"));
  });

  it("matches rpm -i --justdb on the realistic apache2 corpus too", async () => {
    const built = await buildCorpusSet(path.join(userDir("grove-rpmdb-apache2-corpus-"), "repo"), ["apache2"]);
    const corpus = await readFixtures(listFixtures(built.dir));
    expect(corpus.length).toBeGreaterThan(100);
    const rpmRoot = userDir("grove-rpmdb-apache2-rpm-");
    rpmJustdb(
      rpmRoot,
      corpus.map((f) => f.file),
    );
    const { times } = rpmInstallTimes(rpmRoot);
    const root = await rootWithDb(
      "grove-rpmdb-apache2-",
      corpus.map((f) => ({ ...withSignature(f), installTime: times.get(f.nevra) })),
    );
    const ours = await readRpmdb(path.join(root, DB_DIR, "rpmdb.sqlite"));
    const theirs = await readRpmdb(path.join(rpmRoot, DB_DIR, "rpmdb.sqlite"));
    const ourNevras = rpmInstances(root);
    const rpmNevras = rpmInstances(rpmRoot);
    expect(blobsByNevra(ours, ourNevras)).toEqual(blobsByNevra(theirs, rpmNevras));
    expect(rowsByPackage(ours, ourNevras)).toEqual(rowsByPackage(theirs, rpmNevras));
  });

  it("refuses what rpm never records as installed: v3 headers and source packages", async () => {
    expect(notInstallable.length).toBeGreaterThan(10);
    for (const f of notInstallable) {
      const err = await buildRpmdb([headerOnly(f)]).catch((e: unknown) => e);
      expect(err, f.file).toMatchObject({ name: "GroveError", code: "CHECKOUT_RPMDB_UNSUPPORTED_HEADER" });
      expect((err as Error).message, f.file).toContain(f.file);
    }
  });
});

/** rpm -qa format covering the tags grove adds or rpm derives from the installed header. */
const QUERY_FORMAT =
  "%{NEVRA} sigmd5=%{SIGMD5} sha1=%{SHA1HEADER} sha256=%{SHA256HEADER} size=%{SIGSIZE} archive=%{ARCHIVESIZE} " +
  "time=%{INSTALLTIME} tid=%{INSTALLTID} color=%{INSTALLCOLOR} prefixes=[%{INSTPREFIXES},] " +
  "sig=%{RSAHEADER:pgpsig}/%{DSAHEADER:pgpsig} states=[%{FILESTATES}] group=%{GROUP} src=%{SOURCERPM}\\n";

function tagNumber(name: string): number {
  const tags: Record<string, number> = {
    PROVIDENAME: 1047,
    REQUIRENAME: 1049,
    CONFLICTNAME: 1054,
    OBSOLETENAME: 1090,
    TRIGGERNAME: 1066,
    RECOMMENDNAME: 5046,
    SUGGESTNAME: 5049,
    SUPPLEMENTNAME: 5052,
    ENHANCENAME: 5055,
  };
  return tags[name] as number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const GHOST = 64;

function isPlainFile(mode: number, flags: number): boolean {
  return (mode & S_IFMT) === S_IFREG && (flags & GHOST) === 0 && (mode & 0o200) !== 0;
}

/** Packages whose files can share one root: no path claimed twice except directories with the same mode. */
function nonConflicting(packages: readonly FixturePackage[]): FixturePackage[] {
  const claimed = new Map<string, number>();
  const out: FixturePackage[] = [];
  for (const p of packages) {
    const files = readFiles(p.headers.header);
    const clash = files.some((f) => {
      const mode = claimed.get(f.path);
      return mode !== undefined && ((f.mode & S_IFMT) !== S_IFDIR || mode !== f.mode);
    });
    if (clash) continue;
    for (const f of files) claimed.set(f.path, f.mode);
    out.push(p);
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
