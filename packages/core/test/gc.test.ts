import { link, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fsck, gc, type ImportEntry, importEntries, initStore, type Store } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

const file = (p: string, content: string, mode = 0o644): ImportEntry => ({
  path: p,
  type: "file",
  mode,
  uid: 0,
  gid: 0,
  content: Buffer.from(content),
});

async function objectNames(store: Store): Promise<string[]> {
  const out: string[] = [];
  for (const aa of await readdir(path.join(store.dir, "objects"))) {
    out.push(...(await readdir(path.join(store.dir, "objects", aa))));
  }
  return out.sort();
}

describe("gc", () => {
  it("keeps everything reachable from refs (through references and extra objects) and frees the rest", async () => {
    const store = await initStore(await tempDir());
    const pkgA = await importEntries(store, [file("a", "shared"), file("a2", "only in A")], {
      metadata: { p: "A" },
      sourceSha256: "a".repeat(64),
    });
    const header = await store.writeObject(Buffer.from("header blob"), { perm: 0o444 });
    const pkgB = await importEntries(store, [file("b", "shared"), file("b2", "only in B", 0o755)], {
      metadata: { p: "B" },
      objects: [header.id],
      sourceSha256: "b".repeat(64),
    });
    const gone = await importEntries(store, [file("c", "only in C, 12345")], {
      metadata: { p: "C" },
      ref: "pkg/C",
      sourceSha256: "c".repeat(64),
    });
    // A root generation referencing package commits, the way checkout registers roots.
    const root = await importEntries(store, [], { metadata: { root: 1 }, references: [pkgA.commitId, pkgB.commitId] });
    await store.setRef("root/main", root.commitId);
    await store.deleteRef("pkg/C");
    const orphan = await store.writeObject(Buffer.from("orphan"), { perm: 0o600 });
    await writeFile(path.join(store.tmpDir, "obj.99999.dead.1"), "partial");
    // A checkout still hard-links C's object: removing it from the store frees no space.
    const checkout = path.join(await tempDir(), "c");
    await link(store.objectPath(gone.commit.entries[0]!.object!, 0o644), checkout);

    const before = await objectNames(store);
    const result = await gc(store);
    expect(result).toMatchObject({
      commitsRemoved: 1,
      objectsRemoved: 2,
      bytesFreed: "orphan".length,
      indexEntriesRemoved: 1,
      tempFilesRemoved: 1,
      commitsKept: 3,
      objectsKept: 4,
    });
    const after = await objectNames(store);
    expect(before.filter((n) => !after.includes(n)).sort()).toEqual(
      [orphan.id, `${gone.commit.entries[0]!.object}.0644`].sort(),
    );
    expect(await store.hasCommit(gone.commitId)).toBe(false);
    expect(await store.lookupSource("c".repeat(64))).toBeUndefined();
    expect(await store.lookupSource("a".repeat(64))).toBe(pkgA.commitId);
    expect((await fsck(store)).ok).toBe(true);
    expect(await gc(store)).toMatchObject({ commitsRemoved: 0, objectsRemoved: 0 });
  });

  it("keeps commits named in keep, and removes nothing in a dry run", async () => {
    const store = await initStore(await tempDir());
    const kept = await importEntries(store, [file("k", "keep me")], { metadata: {} });
    const other = await importEntries(store, [file("o", "other")], { metadata: { o: 1 } });
    expect(await gc(store, { dryRun: true })).toMatchObject({ commitsRemoved: 2, objectsRemoved: 2 });
    expect(await store.hasCommit(other.commitId)).toBe(true);
    expect(await gc(store, { keep: [kept.commitId] })).toMatchObject({ commitsRemoved: 1, objectsRemoved: 1 });
    expect(await store.hasCommit(kept.commitId)).toBe(true);
  });

  it("removes nothing when a reachable commit is damaged", async () => {
    const store = await initStore(await tempDir());
    const a = await importEntries(store, [file("a", "a")], { metadata: {}, ref: "a" });
    await importEntries(store, [file("b", "b")], { metadata: { b: 1 } });
    await writeFile(store.commitPath(a.commitId), "{}");
    await expect(gc(store)).rejects.toMatchObject({ code: "STORE_CORRUPT_COMMIT" });
    expect((await objectNames(store)).length).toBe(2);
  });
});
