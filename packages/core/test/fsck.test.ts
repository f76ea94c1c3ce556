import { chmod, link, open, readFile, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fsck, type ImportEntry, importEntries, initStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

const file = (p: string, content: string | Buffer, mode = 0o644): ImportEntry => ({
  path: p,
  type: "file",
  mode,
  uid: 0,
  gid: 0,
  content: Buffer.from(content),
});

async function storeWithTree() {
  const store = await initStore(await tempDir());
  const result = await importEntries(
    store,
    [file("a", "alpha"), file("b", "beta", 0o755), file("c", "gamma"), file("s", "secret", 0o111)],
    { metadata: {}, ref: "t", sourceSha256: "e".repeat(64) },
  );
  const obj = (p: string) => {
    const e = result.commit.entries.find((x) => x.path === p)!;
    return store.objectPath(e.object!, e.mode & 0o777);
  };
  return { store, result, obj };
}

describe("fsck", () => {
  it("accepts a sound store (including an object its owner may not read)", async () => {
    const { store } = await storeWithTree();
    const report = await fsck(store);
    expect(report).toMatchObject({ ok: true, problems: [], objectsChecked: 4, commitsChecked: 1, refsChecked: 1 });
    expect(report.indexEntriesChecked).toBe(1);
  });

  it("finds a byte flipped through a hard link (as a checkout would write it)", async () => {
    const { store, obj } = await storeWithTree();
    const checkout = path.join(await tempDir(), "a");
    await link(obj("/a"), checkout);
    const handle = await open(checkout, "r+");
    await handle.write(Buffer.from("A"), 0, 1, 0);
    await handle.close();
    const report = await fsck(store);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: "object-corrupt", subject: path.relative(store.dir, obj("/a")) }),
    ]);
  });

  it("finds a missing object and names the commit and entry needing it", async () => {
    const { store, obj, result } = await storeWithTree();
    await unlink(obj("/c"));
    const report = await fsck(store);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: "commit-missing-object",
        subject: path.relative(store.dir, store.commitPath(result.commitId)),
        message: expect.stringContaining("entry /c"),
      }),
    ]);
  });

  it("finds a chmod'ed object", async () => {
    const { store, obj } = await storeWithTree();
    await chmod(obj("/b"), 0o644);
    const report = await fsck(store);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: "object-mode",
        message: expect.stringContaining("mode 0644 on disk, its name says 0755"),
      }),
    ]);
  });

  it("finds a damaged commit, a dangling ref and a bad index entry", async () => {
    const { store, result } = await storeWithTree();
    const commitFile = store.commitPath(result.commitId);
    await writeFile(commitFile, (await readFile(commitFile, "utf8")).replace('"alpha"', '"x"').replace("{", "{ "));
    await writeFile(path.join(store.dir, "refs/dangling"), `${"f".repeat(64)}\n`);
    await writeFile(path.join(store.dir, "refs/garbage"), "nope");
    await writeFile(path.join(store.dir, "index/source/ee", "e".repeat(64)), "bad\n");
    const kinds = (await fsck(store)).problems.map((p) => p.kind).sort();
    expect(kinds).toEqual(["commit-corrupt", "index-invalid", "ref-invalid", "ref-missing-commit"]);
  });

  it("hashes a larger store on the worker pool with the same verdicts", async () => {
    const store = await initStore(await tempDir());
    const entries: ImportEntry[] = [];
    for (let i = 0; i < 600; i++) entries.push(file(`f${i}`, `content ${i}\n`.repeat(100)));
    const result = await importEntries(store, entries, { metadata: {}, ref: "many" });
    const victim = result.commit.entries[300]!;
    const victimFile = store.objectPath(victim.object!, 0o644);
    const handle = await open(victimFile, "r+");
    await handle.write(Buffer.from("#"), 0, 1, 5);
    await handle.close();
    const seen: string[] = [];
    const pooled = await fsck(store, { workers: 2, onProgress: (p) => seen.push(p.phase) });
    const inline = await fsck(store, { workers: 1 });
    expect(pooled.objectsChecked).toBe(600);
    expect(pooled.problems).toEqual(inline.problems);
    expect(pooled.problems.map((p) => p.subject)).toEqual([path.relative(store.dir, victimFile)]);
    expect(seen).toContain("objects");
    await rm(victimFile);
    expect((await fsck(store)).problems.map((p) => p.kind)).toEqual(["commit-missing-object"]);
  });
});
