import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { type ImportEntry, importEntries, initStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { creationMask } from "../src/store/creation-mask.js";
import { writeObjectFileSync } from "../src/store/object-file-write.js";
import { tempDir } from "./helpers/temp-dir.js";

const PERMS = [0o644, 0o755, 0o444, 0o555, 0o600, 0o700, 0o000, 0o111, 0o664, 0o666, 0o775, 0o777];

/** Runs `fn` with the process umask set to `mask`, restoring it afterwards. */
async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

describe("creationMask", () => {
  it("learns the umask once per store instance from a probe file it removes", async () => {
    const dir = await tempDir();
    await withUmask(0o027, async () => {
      const store = {};
      expect(creationMask(store, dir)).toBe(0o027);
      process.umask(0o022);
      expect(creationMask(store, dir)).toBe(0o027); // cached for that store
      expect(creationMask({}, dir)).toBe(0o022);
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it("is undefined when the probe cannot be created", () => {
    expect(creationMask({}, "/nonexistent/grove/tmp")).toBeUndefined();
  });
});

describe("object permission bits", () => {
  for (const umask of [0o022, 0o077, 0o002]) {
    it(`are exact under umask ${umask.toString(8).padStart(3, "0")}, in memory and streamed (> 1 MiB)`, async () => {
      await withUmask(umask, async () => {
        const store = await initStore(await tempDir());
        const entries: ImportEntry[] = [];
        for (const perm of PERMS) {
          const small = Buffer.from(`small ${perm}`);
          const large = Buffer.alloc((1 << 20) + 10, `large ${perm}`);
          entries.push({ path: `s/${perm}`, type: "file", mode: perm, uid: 0, gid: 0, content: small });
          entries.push({ path: `l/${perm}`, type: "file", mode: perm, uid: 0, gid: 0, content: [large] });
        }
        const { commit, stats } = await importEntries(store, entries, { metadata: {} });
        expect(stats.objectsWritten).toBe(2 * PERMS.length);
        for (const entry of commit.entries) {
          const file = store.objectPath(entry.object as string, entry.mode);
          expect({ path: entry.path, perm: (await stat(file)).mode & 0o7777 }).toEqual({
            path: entry.path,
            perm: entry.mode,
          });
        }
        const direct = await store.writeObject(Buffer.from("direct"), { perm: 0o751 });
        expect((await stat(store.objectPath(direct.sha256, 0o751))).mode & 0o7777).toBe(0o751);
        expect(await readdir(store.tmpDir)).toEqual([]);
      });
    });
  }
});

describe("writeObjectFileSync", () => {
  async function setUp(): Promise<{ tmp: string; final: string }> {
    const dir = await tempDir();
    await mkdir(path.join(dir, "tmp"));
    return { tmp: path.join(dir, "tmp", "obj.1"), final: path.join(dir, "objects", "ab", "abcd.0644") };
  }

  it("creates objects/xx/ when missing and leaves no temp file", async () => {
    const { tmp, final } = await setUp();
    const data = Buffer.from("hello");
    writeObjectFileSync({ tmp, final, data, perm: 0o640, createWithPerm: false, fsync: true });
    expect(await readFile(final, "utf8")).toBe("hello");
    expect((await stat(final)).mode & 0o7777).toBe(0o640);
    expect(await readdir(path.dirname(tmp))).toEqual([]);
  });

  it("throws the rename's error and removes its temp file", async () => {
    const { tmp, final } = await setUp();
    await mkdir(path.dirname(path.dirname(final)), { recursive: true });
    await writeFile(path.dirname(final), "not a directory");
    const data = Buffer.from("x");
    expect(() => writeObjectFileSync({ tmp, final, data, perm: 0o644, createWithPerm: true, fsync: false })).toThrow(
      expect.objectContaining({ code: "ENOTDIR" }),
    );
    expect(await readdir(path.dirname(tmp))).toEqual([]);
  });

  it("never removes a temp file it did not create", async () => {
    const { tmp, final } = await setUp();
    await writeFile(tmp, "someone else's");
    const data = Buffer.from("x");
    expect(() => writeObjectFileSync({ tmp, final, data, perm: 0o644, createWithPerm: true, fsync: false })).toThrow(
      expect.objectContaining({ code: "EEXIST" }),
    );
    expect(await readFile(tmp, "utf8")).toBe("someone else's");
  });
});
