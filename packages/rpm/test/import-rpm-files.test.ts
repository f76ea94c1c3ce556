/**
 * importRpmFiles: a batch of real packages imported on worker threads, several on one thread, and one by one
 * with importRpm all end in the same commits; a damaged package is reported (as the GroveError importRpm
 * throws, across the thread boundary) while the others are imported; the batch leaves no lock behind.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fsck, initStore, isGroveError } from "@grove/core";
import { type ImportRpmFilesOutcome, importRpm, importRpmFiles } from "@grove/rpm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");
const skipReason = existsSync(fixturesDir) ? "" : `shared fixtures not found at ${fixturesDir}`;
if (process.env.CI && skipReason) throw new Error(`import-rpm-files.test.ts cannot run in CI: ${skipReason}`);
if (skipReason) console.warn(`import-rpm-files.test.ts skipped: ${skipReason}`);

/** A few small valid packages of different compressions (gzip, xz, zstd, bzip2, none). */
const PICKED = [
  "go-rpmutils/payload-test-0.1-w.ufdio.x86_64.rpm",
  "go-rpmutils/payload-test-0.1-w9.gzdio.x86_64.rpm",
  "go-rpmutils/payload-test-0.1-w9.bzdio.x86_64.rpm",
  "go-rpmutils/payload-test-0.1-w6.xzdio.x86_64.rpm",
  "go-rpmutils/payload-test-0.1-w3.zstdio.x86_64.rpm",
  "rpm/RPMS/hlinktest-1.0-1.noarch.rpm",
  "createrepo_c/fedora/icedax-1.1.10-2.fc14.i686.rpm",
];

const sortedOutcomes = (outcomes: ImportRpmFilesOutcome[]) => [...outcomes].sort((a, b) => a.index - b.index);

describe.skipIf(skipReason !== "")("importRpmFiles", () => {
  let scratch: string;
  let files: string[];
  let damaged: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "grove-rpm-files-"));
    files = PICKED.map((rel) => path.join(fixturesDir, rel)).filter((file) => existsSync(file));
    expect(files.length).toBe(PICKED.length);
    // A copy of hlinktest with one byte of a file's data changed.
    const bytes = readFileSync(path.join(fixturesDir, "rpm/RPMS/hlinktest-1.0-1.noarch.rpm"));
    const at = bytes.indexOf("echo hlinktest");
    expect(at).toBeGreaterThan(0);
    bytes[at] = 0x45;
    damaged = path.join(scratch, "damaged-hlinktest.rpm");
    writeFileSync(damaged, bytes);
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it("imports the same commits on worker threads, in flight on one thread and one by one", async () => {
    const batch = [...files.slice(0, 3), damaged, ...files.slice(3)];
    const byMode = new Map<string, ImportRpmFilesOutcome[]>();
    for (const [mode, options] of [
      ["threads", { concurrency: 2 }],
      ["one thread", { concurrency: 3, threads: false }],
    ] as const) {
      const store = await initStore(await mkdtemp(path.join(scratch, "store-")));
      const outcomes: ImportRpmFilesOutcome[] = [];
      for await (const outcome of importRpmFiles(store, batch, options)) outcomes.push(outcome);
      expect(outcomes.length, mode).toBe(batch.length);
      byMode.set(mode, sortedOutcomes(outcomes));
      expect((await fsck(store)).problems, mode).toEqual([]);
      expect(await readdir(store.locksDir), `${mode}: the batch's shared lock is released`).toEqual([]);
      const failed = outcomes.filter((o) => "error" in o);
      expect(failed.map((o) => o.file)).toEqual([damaged]);
      const error = (failed[0] as { error: unknown }).error;
      expect(isGroveError(error), `${mode}: ${String(error)}`).toBe(true);
      expect((error as { code: string }).code).toBe("RPM_FILE_DIGEST_MISMATCH");
      expect((error as Error).message).toContain("damaged-hlinktest.rpm");
      const damagedSha256 = createHash("sha256").update(readFileSync(damaged)).digest("hex");
      expect(await store.lookupSource(damagedSha256), `${mode}: no commit for the damaged package`).toBeUndefined();
      // A second batch into the same store finds everything: lookups only.
      for await (const again of importRpmFiles(store, files, options)) {
        expect("result" in again && again.result.alreadyImported, again.file).toBe(true);
      }
    }
    const one = await initStore(await mkdtemp(path.join(scratch, "store-")));
    const commits = (outcomes: ImportRpmFilesOutcome[]) =>
      outcomes.map((o) => ("result" in o ? o.result.commitId : (o.error as { code: string }).code));
    const sequential: string[] = [];
    for (const file of batch) {
      sequential.push(
        await importRpm(one, file).then(
          (r) => r.commitId,
          (err: { code: string }) => err.code,
        ),
      );
    }
    expect(commits(byMode.get("threads") ?? [])).toEqual(sequential);
    expect(commits(byMode.get("one thread") ?? [])).toEqual(sequential);
  });

  it("reports a file that does not exist, and imports the rest", async () => {
    const store = await initStore(await mkdtemp(path.join(scratch, "store-")));
    const missing = path.join(scratch, "no-such.rpm");
    const outcomes: ImportRpmFilesOutcome[] = [];
    for await (const outcome of importRpmFiles(store, [missing, ...files.slice(0, 2)])) outcomes.push(outcome);
    const [first, ...rest] = sortedOutcomes(outcomes);
    expect(first && "error" in first && (first.error as { code: string }).code).toBe("RPM_READ_FAILED");
    expect(rest.every((o) => "result" in o)).toBe(true);
  });

  it("stops early without starting more imports", async () => {
    const store = await initStore(await mkdtemp(path.join(scratch, "store-")));
    let seen = 0;
    for await (const _ of importRpmFiles(store, files, { concurrency: 2 })) {
      seen++;
      break;
    }
    expect(seen).toBe(1);
    const refs = await store.listRefs("rpm/");
    // The first outcome plus at most the other thread's package, which it was importing already.
    expect(refs.length).toBeGreaterThanOrEqual(1);
    expect(refs.length).toBeLessThanOrEqual(3);
    expect(readdirSync(store.locksDir)).toEqual([]);
  });
});
