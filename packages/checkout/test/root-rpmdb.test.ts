/**
 * Where a new generation's rpmdb comes from (`installRootRpmdb`), through `assemble`, `upgrade` and `removeRoot` on
 * tiny repositories: copied from a root with the same package set, updated from a root's database when a few
 * packages changed (and then answering rpm like a fresh build), copied from the compressed cache of removed roots,
 * never from a database rpm has written to since, and no uncompressed cache left behind. An unchanged database (same
 * file identity as recorded) is copied without being read.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { assemble, initGroveDir, openGroveDir, removeRoot, upgrade } from "@grove/checkout";
import { addRepo } from "@grove/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { rootLayout } from "../src/generations/grove-layout.js";
import { cachedRpmdbFile } from "../src/root-rpmdb-cache.js";
import { generationRpmdbSource, readIntactRpmdb, rpmdbFileId, rpmdbUnchanged } from "../src/root-rpmdb-sources.js";
import { buildRpmdb, installRpmdb, readRpmdbPackages } from "../src/rpmdb/index.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`root-rpmdb.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`root-rpmdb.test.ts skipped: ${skip}`);

const DB = "usr/lib/sysimage/rpm/rpmdb.sqlite";
const REQUEST = ["app", "extra1", "extra2", "extra3"];

describe.skipIf(skip !== undefined)("a root's rpmdb: copied, updated or built", () => {
  let work = "";
  let dir = "";
  let updates = "";

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-root-rpmdb-"));
    buildTinyRepo(
      path.join(work, "base"),
      [
        { name: "base", version: "1" },
        { name: "lib", version: "1", requires: ["base"] },
        { name: "app", version: "1", requires: ["lib >= 1"] },
        { name: "extra1", version: "1", requires: ["base"] },
        { name: "extra2", version: "1", requires: ["base"] },
        { name: "extra3", version: "1", requires: ["base"] },
      ],
      work,
    );
    updates = buildTinyRepo(path.join(work, "updates"), [{ name: "lib", version: "2" }], work);
    dir = path.join(work, "grove");
    await initGroveDir(dir);
    await addRepo(dir, "base", pathToFileURL(path.join(work, "base")).href);
  }, 120_000);
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  const record = (root: string, generation: number) =>
    JSON.parse(readFileSync(path.join(dir, "state", "roots", root, `${generation}.json`), "utf8")) as {
      packages: { nevra: string }[];
      details: { rpmdb: { origin: string; hnums: number[]; sha256: string; key: string } };
    };
  const db = (root: string) => readFileSync(path.join(dir, "roots", root, DB));
  const rpm = (root: string, args: string[]) => {
    const r = spawnSync("rpm", ["--root", root, "--dbpath", "/usr/lib/sysimage/rpm", ...args], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    return r.stdout.trim().split("\n").sort();
  };

  it("builds the first database, and copies it for a second root with the same packages", async () => {
    await assemble(dir, "web", REQUEST);
    expect(record("web", 1).details.rpmdb.origin).toBe("built");
    expect(record("web", 1).details.rpmdb.hnums).toEqual([1, 2, 3, 4, 5, 6]);
    await assemble(dir, "copy", REQUEST);
    expect(record("copy", 1).details.rpmdb).toMatchObject({
      origin: "copied",
      sha256: record("web", 1).details.rpmdb.sha256,
    });
    expect(db("copy")).toEqual(db("web"));
    // Nothing kept twice: the cache holds no database, only the note of which generation has this set's.
    expect(readdirSync(path.join(dir, "cache", "rpmdb"))).toEqual([`${record("web", 1).details.rpmdb.key}.where`]);
  });

  it("records the copy's file identity, and tells a database rewritten in place by it", () => {
    const source = generationRpmdbSource(rootLayout(dir, "copy"), 1);
    expect(source?.record.fileId).toBe(rpmdbFileId(path.join(dir, "roots", "copy", DB)));
    if (source === undefined) return;
    expect(rpmdbUnchanged(source)).toBe(true);
    const bytes = readFileSync(source.file);
    const { atime, mtime } = statSync(source.file);
    // The same bytes written again, times put back: no longer known unchanged, but its content still checks.
    writeFileSync(source.file, bytes);
    utimesSync(source.file, atime, mtime);
    expect(rpmdbUnchanged(source)).toBe(false);
    expect(readIntactRpmdb(source)).toEqual(new Uint8Array(bytes));
    // One byte changed, size and times kept: neither check takes it.
    const changed = Buffer.from(bytes);
    changed[100] = (changed[100] as number) ^ 1;
    writeFileSync(source.file, changed);
    utimesSync(source.file, atime, mtime);
    expect(rpmdbUnchanged(source)).toBe(false);
    expect(readIntactRpmdb(source)).toBeUndefined();
    writeFileSync(source.file, bytes);
  });

  it("keeps a removed root's database in the compressed cache", async () => {
    await removeRoot(await openGroveDir(dir), "copy");
    const cached = cachedRpmdbFile(dir, record("web", 1).details.rpmdb.key);
    expect(existsSync(cached)).toBe(true);
    expect(readFileSync(cached).length).toBeLessThan(db("web").length / 2);
  });

  it("updates the database on upgrade: the packages that stay keep their rows, rpm answers as for a fresh build", async () => {
    await addRepo(dir, "updates", pathToFileURL(updates).href);
    const [web] = await upgrade(dir, ["web"]);
    expect(web?.upgraded.map((u) => u.to)).toEqual(["lib-2-1.noarch"]);
    const { details, packages } = record("web", 2);
    expect(details.rpmdb.origin).toBe("updated");
    const before = record("web", 1);
    const hnumBefore = new Map(before.packages.map((p, i) => [p.nevra, before.details.rpmdb.hnums[i]]));
    packages.forEach((p, i) => {
      expect(details.rpmdb.hnums[i]).toBe(p.nevra === "lib-2-1.noarch" ? 7 : hnumBefore.get(p.nevra));
    });
    const root = path.join(dir, "roots", "web");
    const fresh = path.join(work, "fresh");
    mkdirSync(fresh);
    const store = await openGroveDir(dir);
    const state = JSON.parse(readFileSync(path.join(dir, "state", "roots", "web", "2.json"), "utf8"));
    const input = await readRpmdbPackages(
      store,
      state.packages.map((p: { commitId: string }) => p.commitId),
    );
    await installRpmdb(fresh, (await buildRpmdb(input)).bytes);
    for (const q of [
      ["-qa", "--qf", "%{NEVRA} %{SHA256HEADER}\\n"],
      ["-qa", "--qf", "[%{FILENAMES} %{FILEDIGESTS}\\n]"],
      ["-q", "--whatrequires", "lib"],
      ["-qf", "/usr/share/lib/data"],
      ["-Va", "--nofiles"],
    ]) {
      expect(rpm(root, q)).toEqual(rpm(fresh, q));
    }
    expect(rpm(root, ["-qa", "--qf", "%{NEVRA}\\n"])).toEqual(packages.map((p) => p.nevra).sort());
  });

  it("never starts from a database rpm wrote to, and removes an old grove's uncompressed cache", async () => {
    // rpm writing into web.2 in WAL mode leaves a -wal file: web.2's database no longer counts as grove's.
    writeFileSync(path.join(dir, "roots", "web.2", `${DB}-wal`), "not empty");
    writeFileSync(path.join(dir, "cache", "rpmdb", `${"0".repeat(64)}.sqlite`), "old cache");
    await assemble(dir, "again", REQUEST);
    // Same set as web.2, but not copied from it: updated from web.1, which is intact.
    expect(record("again", 1).details.rpmdb.origin).toBe("updated");
    expect(existsSync(path.join(dir, "cache", "rpmdb", `${"0".repeat(64)}.sqlite`))).toBe(false);
    // Removed, then assembled again: copied from the cache.
    await removeRoot(await openGroveDir(dir), "again");
    await assemble(dir, "third", REQUEST);
    expect(record("third", 1).details.rpmdb.origin).toBe("copied");
    expect(rpm(path.join(dir, "roots", "third"), ["-qa", "--qf", "%{NEVRA}\\n"])).toContain("lib-2-1.noarch");
  });

  it("names the package and the file when a header object is missing from the store", async () => {
    const store = await openGroveDir(dir);
    const state = JSON.parse(readFileSync(path.join(dir, "state", "roots", "third", "1.json"), "utf8")) as {
      packages: { nevra: string; commitId: string }[];
    };
    const lib = state.packages.find((p) => p.nevra === "lib-2-1.noarch");
    expect(lib).toBeDefined();
    const meta = (await store.readCommitMetadata(lib!.commitId)) as { header: string };
    const [sha256, perm] = meta.header.split(".") as [string, string];
    const file = store.objectPath(sha256, Number.parseInt(perm, 8));
    const aside = `${file}.aside`;
    renameSync(file, aside);
    try {
      await expect(readRpmdbPackages(store, [lib!.commitId])).rejects.toMatchObject({
        code: "CHECKOUT_RPMDB_READ_FAILED",
        subject: "lib-2-1.noarch",
        message: expect.stringContaining(`lib-2-1.noarch: cannot read header object ${file}`),
        hint: "run `grove fsck`",
      });
    } finally {
      renameSync(aside, file);
    }
    expect((await readRpmdbPackages(store, [lib!.commitId]))[0]?.nevra).toBe("lib-2-1.noarch");
  });
});
