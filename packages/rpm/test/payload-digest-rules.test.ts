/**
 * Which payload digests a verified read computes: PAYLOADDIGESTALT (a SHA-256 pass over the whole uncompressed
 * archive) only when it can change the verdict, i.e. when there is no PAYLOADDIGEST or no SIGMD5; and the
 * verdicts on packages carrying all three.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readPackageHeaders } from "../src/header/index.js";
import { ByteReader } from "../src/io/byte-reader.js";
import { type ExpectedPayloadDigests, needsUncompressedDigest } from "../src/payload/payload-digests.js";
import { readPayloadEntries } from "../src/payload/payload-reader.js";
import { cpioArchive, expectGroveError, type HeaderFile, syntheticRpm } from "./payload-test-helpers.js";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const md5 = (...parts: Uint8Array[]): string => {
  const hash = createHash("md5");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
};

describe("needsUncompressedDigest", () => {
  const header = new Uint8Array(0);
  const cases: [string, ExpectedPayloadDigests, boolean, boolean][] = [
    // [what, expected digests, payload stored uncompressed, hash the archive?]
    [
      "PAYLOADDIGEST, ALT and SIGMD5, compressed",
      {
        payloadDigest: { algorithm: "sha256", compressed: "a", uncompressed: "b" },
        legacyMd5: "c",
        headerBytes: header,
      },
      false,
      false,
    ],
    [
      "PAYLOADDIGEST and ALT, no SIGMD5 (v6)",
      { payloadDigest: { algorithm: "sha256", compressed: "a", uncompressed: "b" }, headerBytes: header },
      false,
      true,
    ],
    [
      "ALT only",
      { payloadDigest: { algorithm: "sha256", uncompressed: "b" }, legacyMd5: "c", headerBytes: header },
      false,
      true,
    ],
    [
      "uncompressed payload: ALT shares PAYLOADDIGEST's hash",
      {
        payloadDigest: { algorithm: "sha256", compressed: "a", uncompressed: "b" },
        legacyMd5: "c",
        headerBytes: header,
      },
      true,
      true,
    ],
    [
      "no ALT",
      { payloadDigest: { algorithm: "sha256", compressed: "a" }, legacyMd5: "c", headerBytes: header },
      false,
      false,
    ],
    ["no payload digest at all", { legacyMd5: "c", headerBytes: header }, false, false],
  ];
  for (const [what, expected, sameStream, result] of cases) {
    it(what, () => expect(needsUncompressedDigest(expected, sameStream)).toBe(result));
  }
});

describe("verdicts on a gzip package with PAYLOADDIGEST, PAYLOADDIGESTALT and SIGMD5", () => {
  const content = new TextEncoder().encode("#!/bin/sh\necho payload digest rules\n");
  const files: HeaderFile[] = [{ path: "/usr/bin/rules", mode: 0o100755, content }];
  const archive = cpioArchive([{ name: "./usr/bin/rules", mode: 0o100755, data: content }]);
  const gz = gzipSync(archive);
  const base = syntheticRpm(files, { payload: gz, payloadDigest: true });

  /** Reads the payload with the header's digests replaced by the given ones. */
  const run = async (digests: { compressed: string; uncompressed: string; md5: string }): Promise<void> => {
    const reader = new ByteReader(base, "rules.rpm");
    const headers = await readPackageHeaders(reader, { verify: false });
    const facts = {
      ...headers,
      payloadDigest: {
        algorithm: "sha256" as const,
        compressed: digests.compressed,
        uncompressed: digests.uncompressed,
      },
      legacyMd5: digests.md5,
    };
    const stats = { compressor: undefined, compressedBytes: 0, payloadBytes: 0, entryCount: 0 };
    for await (const entry of readPayloadEntries(reader, facts, stats)) void entry;
  };
  const headerBytes = async (): Promise<Uint8Array> =>
    (await readPackageHeaders(new ByteReader(base, "rules.rpm"), { verify: false })).headerBytes;

  it("all three right: accepted", async () => {
    await run({ compressed: sha256(gz), uncompressed: sha256(archive), md5: md5(await headerBytes(), gz) });
  });

  it("a wrong PAYLOADDIGESTALT is forgiven when PAYLOADDIGEST matches (as rpm does; ALT is not even computed)", async () => {
    await run({ compressed: sha256(gz), uncompressed: "2".repeat(64), md5: md5(await headerBytes(), gz) });
  });

  it("a wrong SIGMD5 fails whatever the payload digests say", async () => {
    const err = await expectGroveError(
      run({ compressed: sha256(gz), uncompressed: sha256(archive), md5: "3".repeat(32) }),
      "RPM_PAYLOAD_DIGEST_MISMATCH",
    );
    expect(err.message).toContain("SIGMD5");
  });

  it("a PAYLOADDIGEST that does not match the compressed bytes fails, even with ALT and SIGMD5 right", async () => {
    // rpm would forgive this header (ALT matches): the one verdict that differs, for a header built wrong.
    const err = await expectGroveError(
      run({ compressed: "1".repeat(64), uncompressed: sha256(archive), md5: md5(await headerBytes(), gz) }),
      "RPM_PAYLOAD_DIGEST_MISMATCH",
    );
    expect(err.message).toContain("PAYLOADDIGEST");
  });
});
