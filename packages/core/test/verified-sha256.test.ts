/**
 * `verifiedSha256`: content whose stream checks its own digest is named by that digest without being hashed
 * again; an existing object is only drained (the stream still runs its check); in-memory content, which cannot
 * check itself, is hashed as with `expectedSha256`.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fsck, importEntries, initStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** A stream that, like the RPM payload reader, throws at its end when its bytes do not hash to `claimed`. */
async function* selfChecking(bytes: Uint8Array, claimed: string, chunk = 1 << 16): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, at + chunk);
  if (sha256(bytes) !== claimed) throw Object.assign(new Error("digest mismatch at the end"), { code: "SOURCE_BAD" });
}

/** A stream that checks nothing, to show that the writer really trusts the digest it is given. */
async function* unchecked(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

describe("writeObject with verifiedSha256", () => {
  it("stores small and large content under the verified digest, byte for byte", async () => {
    const store = await initStore(await tempDir());
    for (const size of [0, 1000, 3 << 20]) {
      const bytes = Buffer.alloc(size, size % 251);
      const digest = sha256(bytes);
      const written = await store.writeObject(selfChecking(bytes, digest), { perm: 0o644, verifiedSha256: digest });
      expect(written).toMatchObject({ sha256: digest, size, written: true });
      expect(Buffer.compare(await readFile(store.objectPath(digest, 0o644)), bytes)).toBe(0);
    }
    expect(await readdir(store.tmpDir)).toEqual([]);
  });

  it("drains an existing object's stream without writing, and the stream's own check still fails it", async () => {
    const store = await initStore(await tempDir());
    const bytes = Buffer.from("the content\n");
    const digest = sha256(bytes);
    expect((await store.writeObject(bytes, { perm: 0o755 })).written).toBe(true);
    const again = await store.writeObject(selfChecking(bytes, digest), { perm: 0o755, verifiedSha256: digest });
    expect(again).toMatchObject({ sha256: digest, size: bytes.length, written: false });
    // Damaged bytes claiming the existing object's digest: the stream throws, the writer passes it on.
    const damaged = Buffer.from("the c0ntent\n");
    await expect(
      store.writeObject(selfChecking(damaged, digest), { perm: 0o755, verifiedSha256: digest }),
    ).rejects.toMatchObject({ code: "SOURCE_BAD" });
    // ... and a new object is never renamed into place when the stream fails at its end.
    const other = Buffer.alloc(2 << 20, 3);
    await expect(
      store.writeObject(selfChecking(other, "a".repeat(64)), { perm: 0o644, verifiedSha256: "a".repeat(64) }),
    ).rejects.toMatchObject({ code: "SOURCE_BAD" });
    expect(await store.hasObject("a".repeat(64), 0o644)).toBe(false);
    expect(await readdir(store.tmpDir)).toEqual([]);
  });

  it("trusts the digest of a stream (no second hash): a stream that does not check would mislabel, fsck finds it", async () => {
    const store = await initStore(await tempDir());
    const wrong = "b".repeat(64);
    const result = await store.writeObject(unchecked(Buffer.from("not b")), { perm: 0o644, verifiedSha256: wrong });
    expect(result).toMatchObject({ sha256: wrong, written: true });
    const report = await fsck(store);
    expect(report.problems.map((p) => p.kind)).toContain("object-corrupt");
  });

  it("hashes in-memory content anyway, and refuses an expected digest that contradicts the verified one", async () => {
    const store = await initStore(await tempDir());
    const bytes = Buffer.from("bytes\n");
    await expect(
      store.writeObject(bytes, { perm: 0o644, verifiedSha256: "c".repeat(64), subject: "x.rpm:/f" }),
    ).rejects.toMatchObject({ code: "STORE_HASH_MISMATCH", message: expect.stringContaining("x.rpm:/f") });
    await expect(
      store.writeObject(selfChecking(bytes, sha256(bytes)), {
        perm: 0o644,
        verifiedSha256: sha256(bytes),
        expectedSha256: "d".repeat(64),
      }),
    ).rejects.toMatchObject({ code: "STORE_HASH_MISMATCH" });
    expect((await store.writeObject(bytes, { perm: 0o644, verifiedSha256: sha256(bytes) })).written).toBe(true);
  });
});

describe("importEntries with verifiedSha256", () => {
  it("names the entry's object by the verified digest and counts reuse", async () => {
    const store = await initStore(await tempDir());
    const bytes = Buffer.from("#!/bin/sh\necho hi\n");
    const digest = sha256(bytes);
    const entry = (path: string) => ({
      path,
      type: "file" as const,
      mode: 0o755,
      uid: 0,
      gid: 0,
      size: bytes.length,
      content: selfChecking(bytes, digest),
      verifiedSha256: digest,
    });
    const { commit, stats } = await importEntries(store, [entry("/usr/bin/a"), entry("/usr/bin/b")], {
      metadata: { kind: "test" },
    });
    expect(commit.entries.map((e) => [e.path, e.object, e.size])).toEqual([
      ["/usr/bin/a", digest, bytes.length],
      ["/usr/bin/b", digest, bytes.length],
    ]);
    expect(stats).toMatchObject({ objectsWritten: 1, objectsReused: 1 });
    expect((await fsck(store)).problems).toEqual([]);
  });
});
