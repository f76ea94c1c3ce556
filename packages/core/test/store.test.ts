import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { initStore, openStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

describe("initStore / openStore", () => {
  it("creates the documented layout and store.json byte for byte", async () => {
    const dir = await tempDir();
    await initStore(dir);
    expect(await readFile(path.join(dir, "store.json"), "utf8")).toBe('{"format":"grove-store","version":1}\n');
    for (const sub of ["objects", "commits", "refs", "index/source", "tmp", "locks"]) {
      await expect(readFile(path.join(dir, sub))).rejects.toMatchObject({ code: "EISDIR" });
    }
    await initStore(dir); // idempotent
  });

  it("refuses a missing store, another format and an unknown version", async () => {
    const dir = await tempDir();
    await expect(openStore(dir)).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
    await writeFile(path.join(dir, "store.json"), '{"format":"other","version":1}\n');
    await expect(openStore(dir)).rejects.toMatchObject({ code: "STORE_BAD_FORMAT" });
    await writeFile(path.join(dir, "store.json"), '{"format":"grove-store","version":2}\n');
    await expect(openStore(dir)).rejects.toMatchObject({ code: "STORE_UNSUPPORTED_VERSION" });
  });
});

describe("objects, commits, refs and the source index", () => {
  it("writes an object with its permission bits and finds it again", async () => {
    const store = await initStore(await tempDir());
    const first = await store.writeObject(Buffer.from("hi\n"), { perm: 0o755 });
    expect(first).toMatchObject({
      sha256: "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4",
      perm: 0o755,
      id: "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4.0755",
      size: 3,
      written: true,
    });
    const file = store.objectPath(first.sha256, 0o755);
    expect(path.relative(store.dir, file)).toBe(`objects/98/${first.id}`);
    const { stat } = await import("node:fs/promises");
    expect((await stat(file)).mode & 0o7777).toBe(0o755);
    expect(await store.hasObject(first.sha256, 0o755)).toBe(true);
    expect(await store.hasObject(first.sha256, 0o644)).toBe(false);
    expect((await store.writeObject(Buffer.from("hi\n"), { perm: 0o755 })).written).toBe(false);
    await expect(
      store.writeObject(Buffer.from("other"), { perm: 0o644, expectedSha256: first.sha256, subject: "x.rpm:/a" }),
    ).rejects.toMatchObject({ code: "STORE_HASH_MISMATCH", message: expect.stringContaining("x.rpm:/a") });
  });

  it("streams large content and discards the temp file when the object exists", async () => {
    const store = await initStore(await tempDir());
    const big = Buffer.alloc(3 << 20, 7);
    async function* chunks() {
      for (let i = 0; i < big.length; i += 1 << 16) yield big.subarray(i, i + (1 << 16));
    }
    const a = await store.writeObject(chunks(), { perm: 0o644 });
    const b = await store.writeObject(chunks(), { perm: 0o644 });
    const c = await store.writeObject(chunks(), { perm: 0o644, expectedSha256: a.sha256 });
    expect([a.written, b.written, c.written]).toEqual([true, false, false]);
    expect(a.size).toBe(big.length);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(store.tmpDir)).toEqual([]);
  });

  it("keeps refs: set, get, compare-and-swap, list by prefix, delete, conflicts", async () => {
    const store = await initStore(await tempDir());
    const id = await store.writeCommit({ version: 1, entries: [], metadata: { n: 1 } });
    const id2 = await store.writeCommit({ version: 1, entries: [], metadata: { n: 2 } });
    await store.setRef("rpm/bash/0:5.2.15-3.x86_64", id);
    await store.setRef("rpm/basesystem/0:11-1.noarch", id2);
    await store.setRef("root/main", id2);
    expect(await readFile(path.join(store.dir, "refs/rpm/bash/0:5.2.15-3.x86_64"), "utf8")).toBe(`${id}\n`);
    expect(await store.getRef("rpm/bash/0:5.2.15-3.x86_64")).toBe(id);
    expect(await store.getRef("rpm/nothing")).toBeUndefined();
    expect((await store.listRefs("rpm/bas")).map((r) => r.name)).toEqual([
      "rpm/basesystem/0:11-1.noarch",
      "rpm/bash/0:5.2.15-3.x86_64",
    ]);
    expect((await store.listRefs()).length).toBe(3);
    await expect(store.setRef("root/main", id, { expected: id })).rejects.toMatchObject({ code: "STORE_REF_CHANGED" });
    await store.setRef("root/main", id, { expected: id2 });
    await expect(store.setRef("root/main/x", id)).rejects.toMatchObject({ code: "STORE_REF_CONFLICT" });
    await expect(store.setRef("root", id)).rejects.toMatchObject({ code: "STORE_REF_CONFLICT" });
    await expect(store.setRef("bad/../name", id)).rejects.toMatchObject({ code: "STORE_BAD_REF_NAME" });
    await expect(store.setRef("x", "0".repeat(64))).rejects.toMatchObject({ code: "STORE_COMMIT_NOT_FOUND" });
    expect(await store.deleteRef("rpm/bash/0:5.2.15-3.x86_64")).toBe(true);
    expect(await store.deleteRef("rpm/bash/0:5.2.15-3.x86_64")).toBe(false);
    expect((await store.listRefs("rpm/")).map((r) => r.name)).toEqual(["rpm/basesystem/0:11-1.noarch"]);
  });

  it("reads only a commit's metadata, whatever the metadata holds", async () => {
    const store = await initStore(await tempDir());
    const base = await store.writeCommit({ version: 1, entries: [], metadata: {} });
    const obj = await store.writeObject(Buffer.from("blob"), { perm: 0o644 });
    const tricky = {
      kind: "rpm",
      nested: { metadata: { references: ["x"] }, version: 1 },
      text: ',"metadata":{"x":1},"version":1}',
      list: [1, "]", { a: null }],
    };
    const id = await store.writeCommit({
      version: 1,
      entries: [{ path: "/f", type: "file", mode: 0o644, uid: 0, gid: 0, object: obj.sha256, size: 4 }],
      metadata: tricky,
      references: [base],
      objects: [obj.id],
    });
    expect(await store.readCommitMetadata(id)).toEqual(tricky);
    expect(await store.readCommitMetadata(base)).toEqual({});
    await expect(store.readCommitMetadata("0".repeat(64))).rejects.toMatchObject({ code: "STORE_COMMIT_NOT_FOUND" });
  });

  it("records and looks up sources", async () => {
    const store = await initStore(await tempDir());
    const id = await store.writeCommit({ version: 1, entries: [], metadata: {} });
    const src = "a".repeat(64);
    expect(await store.lookupSource(src)).toBeUndefined();
    await store.recordSource(src, id);
    expect(await store.lookupSource(src)).toBe(id);
    expect(await readFile(path.join(store.dir, `index/source/aa/${src}`), "utf8")).toBe(`${id}\n`);
  });

  it("writes commits canonically and only after their objects", async () => {
    const store = await initStore(await tempDir());
    const missing = { version: 1 as const, entries: [file("/a", "b".repeat(64))], metadata: {} };
    await expect(store.writeCommit(missing)).rejects.toMatchObject({ code: "STORE_MISSING_OBJECT" });
    const obj = await store.writeObject(Buffer.from("x"), { perm: 0o644 });
    const id = await store.writeCommit({
      version: 1,
      entries: [
        file("/z", obj.sha256),
        { path: "/", type: "dir", mode: 0o755, uid: 0, gid: 0 },
        file("/a", obj.sha256),
      ],
      metadata: { z: 1, a: { c: 2, b: 1 } },
    });
    const bytes = await readFile(store.commitPath(id), "utf8");
    const { createHash } = await import("node:crypto");
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(id);
    expect(bytes.startsWith('{"entries":[{"gid":0,"mode":493,"path":"/","type":"dir","uid":0},{"gid":0,')).toBe(true);
    expect(bytes.endsWith('"metadata":{"a":{"b":1,"c":2},"z":1},"version":1}')).toBe(true);
    expect((await store.readCommit(id)).entries.map((e) => e.path)).toEqual(["/", "/a", "/z"]);
  });
});

function file(p: string, sha256: string) {
  return { path: p, type: "file" as const, mode: 0o644, uid: 0, gid: 0, object: sha256, size: 1 };
}
