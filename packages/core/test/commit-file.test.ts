/**
 * Compressed commit files: canonical JSON over one block is stored as gzip, read back, checked and fsck'd exactly
 * like a plain one; its id stays the sha256 of the JSON; plain files (older stores) still read; damage is found.
 */
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import {
  COMMIT_PLAIN_MAX,
  canonicalCommitBytes,
  encodeCommit,
  fsck,
  type ImportEntry,
  importEntries,
  initStore,
  isCompressedCommit,
} from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

const file = (p: string, content: string): ImportEntry => ({
  path: p,
  type: "file",
  mode: 0o644,
  uid: 0,
  gid: 0,
  content: Buffer.from(content),
});

/** A store with one commit of `files` entries, imported as every importer does. */
async function storeWith(files: number) {
  const store = await initStore(await tempDir());
  const entries = Array.from({ length: files }, (_, i) => file(`usr/share/doc/pkg/file-${i}.txt`, `content ${i}\n`));
  const result = await importEntries(store, entries, { metadata: { kind: "test", name: "pkg" }, ref: "pkg" });
  return { store, result };
}

describe("commit files", () => {
  it("stores canonical JSON over one block as gzip, under the JSON's sha256, and reads it back", async () => {
    const { store, result } = await storeWith(200);
    const stored = await readFile(store.commitPath(result.commitId));
    expect(isCompressedCommit(stored)).toBe(true);
    const json = canonicalCommitBytes(stored, "test");
    expect(json.length).toBeGreaterThan(COMMIT_PLAIN_MAX);
    expect(stored.length).toBeLessThan(json.length / 3);
    expect(createHash("sha256").update(json).digest("hex")).toBe(result.commitId);
    expect(encodeCommit(result.commit).bytes.equals(json)).toBe(true);
    expect((await store.readCommit(result.commitId)).entries).toHaveLength(200);
    expect(await store.readCommitMetadata(result.commitId)).toEqual({ kind: "test", name: "pkg" });
    expect(await fsck(store)).toMatchObject({ ok: true, problems: [], commitsChecked: 1 });
  });

  it("stores a small commit as plain canonical JSON", async () => {
    const { store, result } = await storeWith(2);
    const stored = await readFile(store.commitPath(result.commitId));
    expect(isCompressedCommit(stored)).toBe(false);
    expect(stored.toString("utf8").startsWith('{"entries":[')).toBe(true);
  });

  it("reads a large commit written plain, as stores before compression hold them", async () => {
    const { store, result } = await storeWith(200);
    const file = store.commitPath(result.commitId);
    await writeFile(file, canonicalCommitBytes(await readFile(file), file));
    expect((await store.readCommit(result.commitId)).entries).toHaveLength(200);
    expect(await store.readCommitMetadata(result.commitId)).toEqual({ kind: "test", name: "pkg" });
    expect((await fsck(store)).ok).toBe(true);
  });

  it("finds a damaged compressed commit", async () => {
    const { store, result } = await storeWith(200);
    const file = store.commitPath(result.commitId);
    const stored = await readFile(file);
    stored[stored.length - 12] = (stored[stored.length - 12] ?? 0) ^ 0xff;
    await writeFile(file, stored);
    await expect(store.readCommit(result.commitId)).rejects.toMatchObject({ code: "STORE_CORRUPT_COMMIT" });
    const report = await fsck(store);
    expect(report.problems.map((p) => p.kind)).toEqual(["commit-corrupt"]);
    // Cut short: the stream cannot be inflated at all.
    await writeFile(file, stored.subarray(0, 40));
    await expect(store.readCommitMetadata(result.commitId)).rejects.toMatchObject({ code: "STORE_CORRUPT_COMMIT" });
  });
});
