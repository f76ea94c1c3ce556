/**
 * The stored main header: importRpm writes it gzipped, `headerFromObject` gives back the header bytes exactly as in
 * the package file, takes plain headers (older stores) as they are, and names a damaged object.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { initStore, parseObjectId } from "@grove/core";
import { afterAll, describe, expect, it } from "vitest";
import { headerFromObject, headerObjectContent, importRpm } from "../src/import/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");
const skip = existsSync(fixturesDir) ? "" : `shared fixtures not found at ${fixturesDir}`;
if (process.env.CI && skip) throw new Error(`header-object.test.ts cannot run in CI: ${skip}`);
if (skip) console.warn(`header-object.test.ts skipped: ${skip}`);

/** The main header as it sits in the file: after the lead and the padded signature header, 16 + 16 * il + dl bytes. */
function headerBytesOf(file: string): Buffer {
  const bytes = readFileSync(file);
  const sigEnd = 96 + 16 + 16 * bytes.readUInt32BE(96 + 8) + bytes.readUInt32BE(96 + 12);
  const start = sigEnd + ((8 - (sigEnd % 8)) % 8);
  return bytes.subarray(start, start + 16 + 16 * bytes.readUInt32BE(start + 8) + bytes.readUInt32BE(start + 12));
}

describe("header objects", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(skip !== "")("are stored gzipped by importRpm and read back byte for byte", async () => {
    const file = path.join(fixturesDir, "rpm/RPMS/hello-2.0-1.x86_64.rpm");
    const dir = await mkdtemp(path.join(tmpdir(), "grove-header-"));
    dirs.push(dir);
    const store = await initStore(dir);
    const { commitId } = await importRpm(store, file);
    const meta = await store.readCommitMetadata(commitId);
    const id = parseObjectId(String(meta.header));
    expect(id).toBeDefined();
    const stored = readFileSync(store.objectPath(id?.sha256 ?? "", id?.perm ?? 0));
    expect([stored[0], stored[1]]).toEqual([0x1f, 0x8b]);
    const expected = headerBytesOf(file);
    expect([...expected.subarray(0, 4)]).toEqual([0x8e, 0xad, 0xe8, 0x01]);
    expect(Buffer.from(headerFromObject(stored, "hello"))).toEqual(expected);
    expect(stored.length).toBeLessThan(expected.length);
  });

  it("takes a plain header as it is, and refuses a damaged gzip stream", () => {
    const plain = new Uint8Array([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(headerFromObject(plain, "p")).toBe(plain);
    const packed = headerObjectContent(plain);
    expect(headerFromObject(packed, "p")).toEqual(plain);
    expect(() => headerFromObject(packed.subarray(0, 12), "pkg-1.0")).toThrow(
      expect.objectContaining({ code: "RPM_BAD_HEADER_OBJECT", message: expect.stringContaining("pkg-1.0") }),
    );
  });
});
