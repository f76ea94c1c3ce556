/**
 * importRpm keeps the signature header: exactly the bytes of the package file (16-byte intro, index, data,
 * without the padding), as an object named by `metadata.signature` and kept alive by the commit.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { initStore, parseObjectId } from "@grove/core";
import { afterAll, describe, expect, it } from "vitest";
import { importRpm } from "../src/import/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const fixturesDir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");
const skip = existsSync(fixturesDir) ? "" : `shared fixtures not found at ${fixturesDir}`;
if (process.env.CI && skip) throw new Error(`import-signature.test.ts cannot run in CI: ${skip}`);
if (skip) console.warn(`import-signature.test.ts skipped: ${skip}`);

/** The signature header as it sits in the file: after the 96-byte lead, 16 + 16 * il + dl bytes. */
function signatureBytesOf(file: string): Buffer {
  const bytes = readFileSync(file);
  const il = bytes.readUInt32BE(96 + 8);
  const dl = bytes.readUInt32BE(96 + 12);
  return bytes.subarray(96, 96 + 16 + 16 * il + dl);
}

describe.skipIf(skip !== "")("importRpm and the signature header", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    "rpm/RPMS/hello-2.0-1.x86_64.rpm",
    "rpm/RPMS/hello-2.0-1.x86_64-signed.rpm",
    "libzypp/RpmPkgSigCheck/signed.rpm",
  ])("stores %s's signature header byte for byte", async (rel) => {
    const file = path.join(fixturesDir, rel);
    const dir = await mkdtemp(path.join(tmpdir(), "grove-sig-"));
    dirs.push(dir);
    const store = await initStore(dir);
    const result = await importRpm(store, file);
    const commit = await store.readCommit(result.commitId);
    const signature = commit.metadata.signature;
    expect(typeof signature).toBe("string");
    expect(commit.objects).toEqual(expect.arrayContaining([signature, commit.metadata.header]));
    const parsed = parseObjectId(signature as string);
    expect(parsed?.perm).toBe(0o644);
    const stored = readFileSync(store.objectPath(parsed?.sha256 ?? "", 0o644));
    expect(Buffer.compare(stored, signatureBytesOf(file))).toBe(0);
  });
});
