import { readdir } from "node:fs/promises";
import path from "node:path";
import { type ImportEntry, importEntries, initStore, type Store } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

const dir = (p: string): ImportEntry => ({ path: p, type: "dir", mode: 0o755, uid: 0, gid: 0 });
const file = (p: string, content: string, mode = 0o644): ImportEntry => ({
  path: p,
  type: "file",
  mode,
  uid: 0,
  gid: 0,
  content: Buffer.from(content),
});

async function countFiles(store: Store, sub: string): Promise<number> {
  let n = 0;
  for (const aa of await readdir(path.join(store.dir, sub))) n += (await readdir(path.join(store.dir, sub, aa))).length;
  return n;
}

describe("importEntries", () => {
  it("imports a streamed tree, normalising paths, and names the commit by its content", async () => {
    const store = await initStore(await tempDir());
    async function* entries(): AsyncGenerator<ImportEntry> {
      yield dir("./usr");
      yield { ...file("usr/bin/hello", "#!/bin/sh\necho hi\n", 0o104755) };
      yield { path: "/usr/bin/hi", type: "symlink", mode: 0o777, uid: 0, gid: 0, linkTo: "hello" };
      yield { path: "/dev/null", type: "chardev", mode: 0o666, uid: 0, gid: 0, rdev: 0x103 };
      yield { path: "run/fifo", type: "fifo", mode: 0o600, uid: 5, gid: 6, user: "u", group: "g", mtime: 7, flags: 64 };
    }
    const result = await importEntries(store, entries(), { metadata: { kind: "test" }, ref: "test/tree" });
    expect(result.stats).toEqual({ objectsWritten: 1, objectsReused: 0, bytesWritten: 18, entries: 5 });
    expect(result.commit.entries.map((e) => e.path)).toEqual([
      "/dev/null",
      "/run/fifo",
      "/usr",
      "/usr/bin/hello",
      "/usr/bin/hi",
    ]);
    const hello = result.commit.entries[3]!;
    expect(hello).toMatchObject({ type: "file", mode: 0o4755, size: 18 });
    // setuid stays metadata: the object carries only the permission bits.
    expect(await store.hasObject(hello.object!, 0o755)).toBe(true);
    expect(await store.getRef("test/tree")).toBe(result.commitId);
    expect(await store.readCommit(result.commitId)).toEqual(result.commit);
  });

  it("stores identical content once and the same content with another mode as another object", async () => {
    const store = await initStore(await tempDir());
    await importEntries(store, [file("a", "same"), file("b", "same"), file("c", "same", 0o755), file("d", "other")], {
      metadata: {},
    });
    await importEntries(store, [file("x/y", "same"), file("x/z", "other")], { metadata: { second: true } });
    expect(await countFiles(store, "objects")).toBe(3);
    expect(await countFiles(store, "commits")).toBe(2);
  });

  it("re-importing the same tree is a no-op: same commit id, nothing written", async () => {
    const store = await initStore(await tempDir());
    const tree = () => [dir("etc"), file("etc/a", "1"), file("etc/b", "2")];
    const first = await importEntries(store, tree(), { metadata: { v: 1 }, ref: "t" });
    const again = await importEntries(store, tree().reverse(), { metadata: { v: 1 }, ref: "t" });
    expect(again.commitId).toBe(first.commitId);
    expect(again.stats).toMatchObject({ objectsWritten: 0, objectsReused: 2, bytesWritten: 0 });
  });

  it("makes the smallest path of a hard-link set its file, whatever the stream order", async () => {
    const store = await initStore(await tempDir());
    const run = (order: ImportEntry[]) => importEntries(store, order, { metadata: {} });
    const f = file("b/z", "data", 0o755);
    const l1: ImportEntry = { path: "a/y", type: "hardlink", mode: 0o755, uid: 0, gid: 0, linkTo: "b/z" };
    const l2: ImportEntry = { path: "c", type: "hardlink", mode: 0o755, uid: 0, gid: 0, linkTo: "/a/y" };
    const one = await run([l2, f, l1]);
    const two = await run([l1, l2, { ...f, content: Buffer.from("data") }]);
    expect(two.commitId).toBe(one.commitId);
    expect(one.commit.entries.map((e) => [e.path, e.type, e.linkTo ?? ""])).toEqual([
      ["/a/y", "file", ""],
      ["/b/z", "hardlink", "/a/y"],
      ["/c", "hardlink", "/a/y"],
    ]);
    expect(one.commit.entries.every((e) => e.size === 4 && e.object === one.commit.entries[0]!.object)).toBe(true);
  });

  it("takes metadata from a function called after the last entry", async () => {
    const store = await initStore(await tempDir());
    let seen = 0;
    async function* counted(): AsyncGenerator<ImportEntry> {
      for (let i = 0; i < 3; i++) {
        seen++;
        yield file(`f${i}`, String(i));
      }
    }
    const result = await importEntries(store, counted(), { metadata: () => ({ files: seen }) });
    expect(result.commit.metadata).toEqual({ files: 3 });
  });

  it("records placeholders (e.g. %ghost files) and reuses existing objects by id", async () => {
    const store = await initStore(await tempDir());
    const obj = await store.writeObject(Buffer.from("abc"), { perm: 0o644 });
    const header = await store.writeObject(Buffer.from("header"), { perm: 0o444 });
    const base = await importEntries(store, [], { metadata: { base: true } });
    const result = await importEntries(
      store,
      [
        { path: "/var/log/x", type: "file", mode: 0o600, uid: 0, gid: 0, flags: 64, size: 0 },
        { path: "/y", type: "file", mode: 0o644, uid: 0, gid: 0, object: obj.sha256, size: 3 },
      ],
      { metadata: {}, objects: [header.id], references: [base.commitId], sourceSha256: "c".repeat(64) },
    );
    expect(result.commit.entries[0]).toEqual({
      path: "/var/log/x",
      type: "file",
      mode: 0o600,
      uid: 0,
      gid: 0,
      flags: 64,
      size: 0,
    });
    expect(result.commit.objects).toEqual([header.id]);
    expect(result.commit.references).toEqual([base.commitId]);
    expect(result.stats.objectsReused).toBe(1);
    expect(await store.lookupSource("c".repeat(64))).toBe(result.commitId);
  });

  it("refuses bad paths and duplicates by name, leaving no commit or ref behind", async () => {
    const store = await initStore(await tempDir());
    const cases: Array<[ImportEntry[], string, string]> = [
      [[file("ok", "1"), file("usr/../../etc/passwd", "x")], "STORE_BAD_PATH", "usr/../../etc/passwd"],
      [[file("/../x", "x")], "STORE_BAD_PATH", "/../x"],
      [[file("a\0b", "x")], "STORE_BAD_PATH", "a\\u0000b"],
      [[file("", "x")], "STORE_BAD_PATH", '""'],
      [[file("ok", "1"), file("./usr/bin/x", "1"), file("usr//bin/x", "2")], "STORE_DUPLICATE_PATH", "/usr/bin/x"],
      [[file("f", "1"), file("f/below", "2")], "STORE_PATH_CONFLICT", "/f/below"],
      [[{ path: "l", type: "hardlink", mode: 0o644, uid: 0, gid: 0, linkTo: "nowhere" }], "STORE_BAD_ENTRY", "/l"],
      [[{ ...file("s", "1"), size: 5 }], "STORE_SIZE_MISMATCH", "/s"],
      [[{ ...file("h", "1"), expectedSha256: "d".repeat(64) }], "STORE_HASH_MISMATCH", "/h"],
      [[{ path: "d", type: "dir", mode: 0o100644, uid: 0, gid: 0 }], "STORE_BAD_ENTRY", "/d"],
      [[{ path: "u", type: "dir", mode: 0o755, uid: -1, gid: 0 }], "STORE_BAD_ENTRY", "/u"],
    ];
    for (const [entries, code, named] of cases) {
      const err = await importEntries(store, entries, { metadata: {}, ref: "never" }).catch((e: unknown) => e);
      expect(err, `${code} ${named}`).toMatchObject({ name: "GroveError", code });
      expect((err as Error).message).toContain(named);
    }
    expect(await countFiles(store, "commits")).toBe(0);
    expect(await store.listRefs()).toEqual([]);
    expect(await readdir(store.tmpDir)).toEqual([]);
  });
});
