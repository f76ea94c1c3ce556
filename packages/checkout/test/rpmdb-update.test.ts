/**
 * The incremental rpmdb update (`updateRpmdb`) against a fresh build of the same package set, on the real fixture
 * packages: the same header bytes and index rows package by package, and rpm 4.18 (as the oracle) lists, queries
 * and checks the dependencies of both databases alike.
 */

import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { isSourceHeader } from "@grove/rpm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRpmdb, installRpmdb, type RpmdbPackage, updateRpmdb } from "../src/rpmdb/index.js";
import {
  blobsByNevra,
  chownToUser,
  type FixturePackage,
  filesRpmRefuses,
  listFixtures,
  makeUserDir,
  ORACLE_EPOCH,
  oracleSkipReason,
  readFixtures,
  readRpmdb,
  rowsByPackage,
  rpmInRoot,
  rpmInstances,
} from "./rpmdb-helpers.js";

const skipReason = oracleSkipReason("rpmdb-update.test.ts");
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const times = { installTime: ORACLE_EPOCH, installTid: ORACLE_EPOCH };

function asInput(p: FixturePackage): RpmdbPackage {
  return { headerBytes: p.headers.headerBytes, signatureBytes: p.signatureBytes, subject: p.file };
}

/** A root owned by the oracle user holding database `bytes`. */
async function rootWith(bytes: Uint8Array): Promise<string> {
  const root = makeUserDir("grove-rpmdb-update-");
  dirs.push(root);
  await installRpmdb(root, bytes);
  chownToUser(root);
  return root;
}

function rpmLines(root: string, args: string[]): string[] {
  const r = rpmInRoot(root, args);
  expect(r.stderr).toBe("");
  return r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

describe.skipIf(skipReason !== "")("updating an rpmdb by a few packages", () => {
  /** Installable binary packages, one per NEVRA. */
  let unique: FixturePackage[] = [];

  beforeAll(async () => {
    const fixtures = await readFixtures(listFixtures());
    const refused = filesRpmRefuses(fixtures.map((f) => f.file));
    const seen = new Set<string>();
    unique = fixtures.filter(
      (f) =>
        !refused.has(f.file) &&
        !isSourceHeader(f.headers.header) &&
        f.headers.header.region !== undefined &&
        !seen.has(f.nevra) &&
        seen.add(f.nevra) !== undefined,
    );
  });

  it("equals a fresh build of the new set: header bytes and index rows by package, and rpm's answers", async () => {
    expect(unique.length).toBeGreaterThan(40);
    // Old set: the first 40; new set: 5 of them dropped (first, middle, last), 6 others added.
    const oldSet = unique.slice(0, 40);
    const dropped = [oldSet[0], oldSet[17], oldSet[18], oldSet[30], oldSet[39]] as FixturePackage[];
    const addedSet = unique.slice(40, 46);
    const newSet = [...oldSet.filter((p) => !dropped.includes(p)), ...addedSet];

    const base = await buildRpmdb(oldSet.map(asInput), times);
    const baseCopy = new Uint8Array(base.bytes);
    const updated = await updateRpmdb(
      base.bytes,
      { remove: dropped.map((p) => oldSet.indexOf(p) + 1), add: addedSet.map(asInput) },
      times,
    );
    expect(base.bytes).toEqual(baseCopy); // the base is left as it was
    // AUTOINCREMENT: the new packages continue after the highest number ever used, as rpm's do.
    expect(updated.added).toEqual([41, 42, 43, 44, 45, 46]);
    expect(updated.stats.packages).toBe(newSet.length);
    const fresh = await buildRpmdb(newSet.map(asInput), times);

    const updatedRoot = await rootWith(updated.bytes);
    const freshRoot = await rootWith(fresh.bytes);
    const dbFile = (root: string) => path.join(root, "usr/lib/sysimage/rpm/rpmdb.sqlite");
    const [u, f] = [await readRpmdb(dbFile(updatedRoot)), await readRpmdb(dbFile(freshRoot))];
    const [uNevras, fNevras] = [rpmInstances(updatedRoot), rpmInstances(freshRoot)];
    expect([...uNevras.values()].sort()).toEqual(newSet.map((p) => p.nevra).sort());
    expect(blobsByNevra(u, uNevras)).toEqual(blobsByNevra(f, fNevras));
    expect(rowsByPackage(u, uNevras)).toEqual(rowsByPackage(f, fNevras));
    expect(u.schema).toEqual(f.schema);
    expect(u.sequence).toEqual(["Packages 46"]);
    expect(u.formatVersions).toEqual([1, 1]);
    expect(u.journalMode).toBe(f.journalMode);

    const queries: string[][] = [
      ["-qa", "--qf", "%{NEVRA} %{INSTALLTIME} %{SIGMD5} %{SHA256HEADER}\\n"],
      ["-qa", "--qf", "[%{FILENAMES} %{FILEDIGESTS} %{FILEMODES}\\n]"],
      ["-qa", "--qf", "[%{PROVIDENEVRS}\\n][%{REQUIRENEVRS}\\n]"],
      ["-qf", ...newSet.slice(0, 3).map((p) => readFilesOf(p)[0] ?? "/")],
      ["-Va", "--nofiles", "--noscripts"],
    ];
    for (const q of queries) expect(rpmLines(updatedRoot, q)).toEqual(rpmLines(freshRoot, q));
    // A package that is gone is gone from the indexes too.
    const goneName = (dropped[1] as FixturePackage).headers.pkg.name;
    if (!newSet.some((p) => p.headers.pkg.name === goneName)) {
      expect(rpmInRoot(updatedRoot, ["-q", goneName]).stdout).toContain("is not installed");
    }
  });

  it("refuses a base that is not an rpmdb, or lacks a package to remove", async () => {
    await expect(updateRpmdb(new Uint8Array(4096), { remove: [], add: [] })).rejects.toMatchObject({
      code: "CHECKOUT_RPMDB_BAD_BASE",
    });
    const base = await buildRpmdb(unique.slice(0, 3).map(asInput), times);
    await expect(updateRpmdb(base.bytes, { remove: [7], add: [] })).rejects.toMatchObject({
      code: "CHECKOUT_RPMDB_BAD_BASE",
    });
    const same = await updateRpmdb(base.bytes, { remove: [], add: [] });
    expect(same.stats.packages).toBe(3);
  });
});

/** Paths of a fixture's files (`rpm -qpl`). */
function readFilesOf(p: FixturePackage): string[] {
  const r = spawnSync("rpm", ["-qpl", p.file], { encoding: "utf8" });
  return r.stdout.split("\n").filter((l) => l.startsWith("/"));
}
