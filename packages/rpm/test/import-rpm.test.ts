/**
 * importRpm on every real fixture, with rpm 4.18 as the oracle: packages `rpm -K --nosignature`
 * accepts import, the others fail with an RPM_ error and leave no commit or ref; every header file
 * (incl. %ghost) is an entry with rpm's mode, owner, flags and link target; every file's object
 * holds exactly the bytes `rpm2cpio | cpio -idm` extracts; identical files are stored once; a
 * re-import is a lookup.
 */
import { execFileSync, execSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Commit, fsck, gc, initStore, normalizeEntryPath, type Store } from "@grove/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rpmFilesUnder } from "../../../test/helpers/real-rpm-fixtures.js";
import { decodeHeaderString } from "../src/header/decode-string.js";
import { type ImportRpmResult, importRpm } from "../src/import/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");
const haveTools = (() => {
  try {
    execFileSync("rpm", ["--version"], { stdio: "pipe" });
    execFileSync("cpio", ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();
const skipReason = !existsSync(fixturesDir)
  ? `shared fixtures not found at ${fixturesDir}`
  : !haveTools
    ? "rpm/cpio are not installed"
    : "";
if (process.env.CI && skipReason) throw new Error(`import-rpm.test.ts cannot run in CI: ${skipReason}`);
if (skipReason) console.warn(`import-rpm.test.ts skipped: ${skipReason}`);

const GHOST = 64;

/** The fixtures whose digests `rpm -K --nosignature` accepts (one rpm run for all: it prints `<file>: digests OK`). */
function rpmAccepted(files: string[]): Set<string> {
  const run = spawnSync("rpm", ["-K", "--nosignature", ...files], { encoding: "utf8" });
  const ok = new Set<string>();
  for (const line of run.stdout.split("\n")) {
    const m = /^(.*): digests OK$/.exec(line);
    if (m) ok.add(m[1]!);
  }
  return ok;
}

interface RpmFileFacts {
  path: string;
  mode: number;
  user: string;
  group: string;
  flags: number;
  linkTo: string;
}

function rpmFiles(file: string): RpmFileFacts[] {
  const qf = "[%{FILENAMES}\\t%{FILEMODES}\\t%{FILEUSERNAME}\\t%{FILEGROUPNAME}\\t%{FILEFLAGS}\\t%{FILELINKTOS}\\n]";
  const out = execFileSync("rpm", ["-qp", "--nosignature", "--nodigest", "--qf", qf, file], { stdio: "pipe" });
  const facts: RpmFileFacts[] = [];
  for (const line of splitBytes(out, 0x0a)) {
    const fields = splitBytes(line, 0x09).map((f) => decodeHeaderString(f));
    if (fields.length < 6) continue;
    const [p = "", mode = "0", user = "", group = "", flags = "0", linkTo = ""] = fields;
    facts.push({ path: normalizeEntryPath(p), mode: Number(mode), user, group, flags: Number(flags), linkTo });
  }
  return facts;
}

function splitBytes(bytes: Buffer, separator: number): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === separator) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

/** Extracts a package with rpm's own tools: rpm2cpio | cpio, or rpm2archive for what cpio cannot carry (v6). */
function extractWithRpm(file: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execSync(`rpm2cpio '${file}' | cpio -idm --quiet --no-absolute-filenames`, { cwd: dir, stdio: "pipe" });
  } catch {
    execSync(`rpm2archive - < '${file}' | tar -xzf -`, { cwd: dir, stdio: "pipe" });
  }
}

/** The on-disk name of an entry path: the reader decodes non-UTF-8 names as ISO-8859-1, one byte per character. */
function diskPath(dir: string, entryPath: string): Buffer {
  const utf8 = Buffer.from(path.join(dir, entryPath));
  if (existsSync(utf8)) return utf8;
  return Buffer.concat([Buffer.from(dir), Buffer.from(entryPath, "latin1")]);
}

describe.skipIf(skipReason !== "")("importRpm on the real fixtures", () => {
  let storeDir: string;
  let store: Store;
  const imported = new Map<string, ImportRpmResult>();
  const fixtures = skipReason === "" ? rpmFilesUnder(fixturesDir) : [];

  beforeAll(async () => {
    storeDir = await mkdtemp(path.join(tmpdir(), "grove-rpm-import-"));
    store = await initStore(storeDir);
  });
  afterAll(async () => {
    await rm(storeDir, { recursive: true, force: true });
  });

  it("imports every package rpm accepts and refuses the others without leaving a commit or ref", async () => {
    expect(fixtures.length).toBeGreaterThan(100);
    const accepted = rpmAccepted(fixtures);
    for (const file of fixtures) {
      const rel = path.relative(fixturesDir, file);
      if (accepted.has(file)) {
        const result = await importRpm(store, file);
        expect(result.alreadyImported, rel).toBe(imported.size > 0 && result.alreadyImported);
        imported.set(file, result);
        expect(await store.getRef(result.ref), rel).toBe(result.commitId);
        expect(await store.lookupSource(result.sha256), rel).toBe(result.commitId);
      } else {
        const commitsBefore = countCommits(storeDir);
        const refsBefore = (await store.listRefs()).length;
        const err = await importRpm(store, file).catch((e: unknown) => e);
        expect(err, rel).toMatchObject({ name: "GroveError", code: expect.stringMatching(/^RPM_/) });
        expect(countCommits(storeDir), rel).toBe(commitsBefore);
        expect((await store.listRefs()).length, rel).toBe(refsBefore);
      }
    }
    expect(imported.size).toBe(127);
    const report = await fsck(store);
    expect(report.problems).toEqual([]);
  });

  it("records every header file with rpm's mode, owner, flags and link target; ghosts have no content", async () => {
    for (const [file, result] of imported) {
      const rel = path.relative(fixturesDir, file);
      const commit = await store.readCommit(result.commitId);
      const byPath = new Map(commit.entries.map((e) => [e.path, e]));
      const facts = rpmFiles(file);
      expect(commit.entries.length, rel).toBe(new Set(facts.map((f) => f.path)).size);
      for (const f of facts) {
        const e = byPath.get(f.path);
        expect(e, `${rel} ${f.path}`).toBeDefined();
        expect(e!.mode, `${rel} ${f.path}`).toBe(f.mode & 0o7777);
        expect([e!.user, e!.group, e!.flags ?? 0], `${rel} ${f.path}`).toEqual([f.user, f.group, f.flags]);
        if ((f.mode & 0o170000) === 0o120000 && f.linkTo !== "") expect(e!.linkTo, `${rel} ${f.path}`).toBe(f.linkTo);
        if (f.flags & GHOST) expect(e!.object, `${rel} ghost ${f.path}`).toBeUndefined();
      }
      expect(commit.metadata).toMatchObject({ kind: "rpm", nevra: result.nevra, sha256: result.sha256 });
    }
  });

  it("stores exactly the bytes rpm2cpio | cpio extracts", async () => {
    const work = await mkdtemp(path.join(tmpdir(), "grove-rpm-cpio-"));
    try {
      let compared = 0;
      for (const [file, result] of imported) {
        const dir = path.join(work, String(compared));
        extractWithRpm(file, dir);
        const commit = await store.readCommit(result.commitId);
        for (const e of commit.entries) {
          if (e.object === undefined) continue;
          const extracted = readFileSync(diskPath(dir, e.path));
          expect(
            createHash("sha256").update(extracted).digest("hex"),
            `${path.relative(fixturesDir, file)} ${e.path}`,
          ).toBe(e.object);
          const stored = readFileSync(store.objectPath(e.object, e.mode & 0o777));
          expect(stored.equals(extracted)).toBe(true);
          compared++;
        }
        await rm(dir, { recursive: true, force: true });
      }
      expect(compared).toBeGreaterThan(1000);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("stores identical files of different packages once", async () => {
    const users = new Map<string, Set<string>>();
    let fileEntries = 0;
    const commits = new Set([...imported.values()].map((r) => r.commitId));
    for (const id of commits) {
      const commit: Commit = await store.readCommit(id);
      for (const e of commit.entries) {
        if (e.object === undefined || e.type !== "file") continue;
        fileEntries++;
        const name = `${e.object}.${(e.mode & 0o777).toString(8).padStart(4, "0")}`;
        if (!users.has(name)) users.set(name, new Set());
        users.get(name)!.add(id);
      }
      for (const extra of commit.objects ?? []) users.set(extra, users.get(extra) ?? new Set([id]));
    }
    // Refused packages may have left orphan objects (never a commit): gc collects them, keeping every import.
    await gc(store, { keep: commits });
    expect(countObjects(storeDir)).toBe(users.size);
    expect(users.size).toBeLessThan(fileEntries);
    expect([...users.values()].filter((s) => s.size > 1).length).toBeGreaterThan(10);
  });

  it("re-imports as a lookup: by known sha256, by file, and from a stream", async () => {
    const entries = [...imported.entries()];
    const start = performance.now();
    for (const [, r] of entries) {
      const again = await importRpm(store, "/nonexistent/never-read.rpm", { sha256: r.sha256 });
      expect(again).toMatchObject({ commitId: r.commitId, nevra: r.nevra, alreadyImported: true });
    }
    const perPackageMs = (performance.now() - start) / entries.length;
    console.log(`re-import by sha256: ${perPackageMs.toFixed(3)} ms per package`);
    expect(perPackageMs).toBeLessThan(5);
    const [file, first] = entries[0]!;
    expect(await importRpm(store, file)).toMatchObject({ commitId: first.commitId, alreadyImported: true });
    const streamed = await importRpm(store, createReadStream(file));
    expect(streamed).toMatchObject({ commitId: first.commitId, sha256: first.sha256, alreadyImported: true });
    const fromBytes = await importRpm(store, readFileSync(file));
    expect(fromBytes).toMatchObject({ commitId: first.commitId, sha256: first.sha256, alreadyImported: true });
  });

  it("refuses a stream that does not hash to the given sha256, before any commit", async () => {
    const fresh = await initStore(await mkdtemp(path.join(tmpdir(), "grove-rpm-sha-")));
    try {
      const [file] = [...imported.keys()];
      const err = await importRpm(fresh, createReadStream(file!), { sha256: "0".repeat(64) }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "RPM_SHA256_MISMATCH" });
      expect(countCommits(fresh.dir)).toBe(0);
      expect(await fresh.listRefs()).toEqual([]);
    } finally {
      await rm(fresh.dir, { recursive: true, force: true });
    }
  });

  it("records file capabilities as security.capability", async () => {
    const caps = [...imported.entries()].find(([f]) => f.endsWith("testsuidpermissionscheck-0.0.1-0.x86_64.rpm"));
    expect(caps).toBeDefined();
    const commit = await store.readCommit(caps![1].commitId);
    const e = commit.entries.find((x) => x.path === "/var/lib/testsuidpermissionscheck/test_permissions_fscaps");
    expect(Buffer.from(e!.xattrs!["security.capability"]!, "base64").toString("hex")).toBe(
      "0100000200200000000000000000000000000000",
    );
  });
});

function countIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, aa) => n + readdirSync(path.join(dir, aa)).length, 0);
}
function countCommits(storeDir: string): number {
  return countIn(path.join(storeDir, "commits"));
}
function countObjects(storeDir: string): number {
  return countIn(path.join(storeDir, "objects"));
}
