/**
 * Hostile and broken inputs: every one must end in a GroveError with a stable code whose message names the
 * file, never a crash, a hang or an unbounded allocation. Inputs are built in the test (plus the deliberately
 * broken real fixtures, when the shared fixtures are present), and a seeded byte-flipping run over a real header.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import {
  buildRpmPackage,
  MAX_HEADER_DATA,
  MAX_HEADER_TAGS,
  MAX_SIGNATURE_DATA,
  MAX_SIGNATURE_TAGS,
  parseHeaderBlob,
  readPackageHeaders,
  SigTag,
  Tag,
  TagType,
} from "../src/header/index.js";
import { ByteReader } from "../src/io/byte-reader.js";
import {
  type BuildEntry,
  buildHeaderBlob,
  buildLead,
  buildRpm,
  concat,
  packageEntries,
  withMagic,
} from "./header-builder.js";

const SUBJECT = "hostile.rpm";

/** Reads `file` and returns the GroveError it fails with (fails the test if it does not). */
async function failure(file: Uint8Array | Iterable<Uint8Array>, verify = true) {
  const err = await readPackageHeaders(new ByteReader(file, SUBJECT), { verify }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isGroveError(err), `expected a GroveError, got ${String(err)}`).toBe(true);
  const g = err as { code: string; message: string; subject?: string };
  expect(g.message).toContain(SUBJECT);
  expect(g.subject).toBe(SUBJECT);
  return g;
}

/** Fails with `code` when parsing `entries` as a main header blob, returning the message. */
function blobFailure(blob: Uint8Array, code: string, kind: "header" | "signature" = "header"): string {
  try {
    parseHeaderBlob(blob, { subject: SUBJECT, kind });
  } catch (e) {
    expect(isGroveError(e) && e.code).toBe(code);
    expect((e as Error).message).toContain(SUBJECT);
    return (e as Error).message;
  }
  throw new Error("expected parseHeaderBlob to fail");
}

/** A header blob's intro with arbitrary counts and no body. */
function intro(il: number, dl: number): Uint8Array {
  const out = new Uint8Array(16);
  out.set([0x8e, 0xad, 0xe8, 0x01]);
  const v = new DataView(out.buffer);
  v.setUint32(8, il);
  v.setUint32(12, dl);
  return out;
}

/** Overwrites index entry `i` (0 = region entry) of a header blob without magic. */
function patchEntry(
  blob: Uint8Array,
  i: number,
  field: "tag" | "type" | "offset" | "count",
  value: number,
): Uint8Array {
  const out = blob.slice();
  const at = 8 + 16 * i + { tag: 0, type: 4, offset: 8, count: 12 }[field];
  new DataView(out.buffer).setInt32(at, value | 0);
  return out;
}

const good = () => buildHeaderBlob(packageEntries(), { regionTag: 63 });

describe("hostile lead and header framing", () => {
  it("rejects a file that is not an RPM (bad lead magic)", async () => {
    const { file } = buildRpm({ header: packageEntries() });
    const bad = file.slice();
    bad[0] = 0x7f;
    expect((await failure(bad)).code).toBe("RPM_BAD_MAGIC");
    expect((await failure(new TextEncoder().encode("#!/bin/sh\necho not an rpm\n".repeat(10)))).code).toBe(
      "RPM_BAD_MAGIC",
    );
  });

  it("rejects bad signature and main header magic", async () => {
    const { file, payloadOffset, headerBytes } = buildRpm({ header: packageEntries() });
    const badSig = file.slice();
    badSig[96 + 2] = 0;
    expect((await failure(badSig)).message).toContain("signature header magic");
    const badHeader = file.slice();
    badHeader[payloadOffset - headerBytes.length + 4] = 1; // a reserved byte
    const err = await failure(badHeader);
    expect([err.code, err.message.includes("bad header magic")]).toEqual(["RPM_BAD_MAGIC", true]);
  });

  it("reports truncation anywhere before the payload as RPM_TRUNCATED", async () => {
    const { file, payloadOffset } = buildRpm({ header: packageEntries() });
    for (const cut of [0, 50, 96, 100, 120, payloadOffset - 30, payloadOffset - 1]) {
      const err = await failure(file.subarray(0, cut));
      expect(err.code, `cut at ${cut}`).toBe("RPM_TRUNCATED");
    }
  });

  it("enforces rpm's index count and data size limits before reading the body", async () => {
    const lead = buildLead();
    const cases: [Uint8Array, string][] = [
      [concat([lead, intro(MAX_SIGNATURE_TAGS + 1, 100)]), "signature header has 33 index entries"],
      [concat([lead, intro(1, MAX_SIGNATURE_DATA + 1)]), "signature header has 67108865 data bytes"],
    ];
    const sig = withMagic(buildHeaderBlob([{ tag: SigTag.SIZE, type: TagType.INT32, value: [1] }], { regionTag: 62 }));
    const pad = new Uint8Array((8 - (sig.length % 8)) % 8);
    cases.push([concat([lead, sig, pad, intro(MAX_HEADER_TAGS + 1, 16)]), "header has 65536 index entries"]);
    cases.push([concat([lead, sig, pad, intro(1, MAX_HEADER_DATA + 1)]), "header has 268435456 data bytes"]);
    cases.push([concat([lead, sig, pad, intro(0xffffffff, 0xffffffff)]), "index entries"]);
    for (const [file, what] of cases) {
      // A source that would hand out endless zeros: the limit check must come first.
      const endless = {
        *[Symbol.iterator]() {
          yield file;
          for (;;) yield new Uint8Array(1 << 16);
        },
      };
      const err = await failure(endless);
      expect([err.code, err.message]).toEqual(["RPM_HEADER_TOO_LARGE", expect.stringContaining(what)]);
    }
  });

  it("rejects a whole header over 256 MiB even when il and dl are each within limits", () => {
    const blob = new Uint8Array(8);
    new DataView(blob.buffer).setUint32(0, MAX_HEADER_TAGS);
    new DataView(blob.buffer).setUint32(4, MAX_HEADER_DATA);
    blobFailure(blob, "RPM_HEADER_TOO_LARGE");
  });
});

describe("hostile index entries", () => {
  it("rejects an entry pointing outside the data area", () => {
    const blob = good();
    const dl = new DataView(blob.buffer).getUint32(4);
    expect(blobFailure(patchEntry(blob, 1, "offset", dl + 4), "RPM_HEADER_CORRUPT")).toContain("outside the data area");
    blobFailure(patchEntry(blob, 1, "offset", -4), "RPM_HEADER_CORRUPT");
  });

  it("rejects strings that run past the data area and arrays with absurd counts", () => {
    const blob = buildHeaderBlob(
      packageEntries([{ tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: ["a", "b"] }]),
      { regionTag: 63 },
    );
    const i =
      1 +
      packageEntries([{ tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: [] }]).findIndex(
        (e) => e.tag === Tag.BASENAMES,
      );
    blobFailure(patchEntry(blob, i, "count", 3), "RPM_HEADER_CORRUPT");
    blobFailure(patchEntry(blob, i, "count", 0x7fffffff), "RPM_HEADER_CORRUPT");
    blobFailure(patchEntry(blob, i, "count", 0), "RPM_HEADER_CORRUPT");
  });

  it("rejects an INT32 array that does not fit, misaligned data and overlapping entries", () => {
    const entries = packageEntries([{ tag: Tag.FILEMTIMES, type: TagType.INT32, value: [1, 2] }]);
    const i = 1 + entries.findIndex((e) => e.tag === Tag.FILEMTIMES);
    const blob = buildHeaderBlob(entries, { regionTag: 63 });
    const offset = new DataView(blob.buffer).getInt32(8 + 16 * i + 8);
    const dl = new DataView(blob.buffer).getUint32(4);
    expect(blobFailure(patchEntry(blob, i, "count", dl), "RPM_HEADER_CORRUPT")).toContain("past the end");
    expect(blobFailure(patchEntry(blob, i, "count", dl + 1), "RPM_HEADER_CORRUPT")).toContain("count out of range");
    expect(blobFailure(patchEntry(blob, i, "offset", offset + 2), "RPM_HEADER_CORRUPT")).toContain("aligned");
    expect(blobFailure(patchEntry(blob, 2, "offset", 0), "RPM_HEADER_CORRUPT")).toContain("overlaps");
  });

  it("rejects unknown and NULL data types, STRING with count 2 and type-confused known tags", () => {
    const blob = good();
    for (const type of [0, 10, 0x7fffffff]) {
      expect(blobFailure(patchEntry(blob, 1, "type", type), "RPM_HEADER_CORRUPT")).toContain("data type");
    }
    blobFailure(patchEntry(blob, 1, "count", 2), "RPM_HEADER_CORRUPT");
    // NAME stored as an INT32: rpm's type check for the main header rejects it.
    const confused = buildHeaderBlob([{ tag: Tag.NAME, type: TagType.INT32, value: [1] }], { regionTag: 63 });
    expect(blobFailure(confused, "RPM_HEADER_CORRUPT")).toContain("rpm declares type 6");
  });

  it("rejects region tags outside the first entry and broken region trailers", () => {
    const blob = good();
    expect(blobFailure(patchEntry(blob, 1, "tag", 63), "RPM_HEADER_CORRUPT")).toContain("below 100");
    const dl = new DataView(blob.buffer).getUint32(4);
    const il = new DataView(blob.buffer).getUint32(0);
    const trailerAt = 8 + 16 * il + dl - 16;
    const badTrailerTag = blob.slice();
    new DataView(badTrailerTag.buffer).setUint32(trailerAt, 62);
    expect(blobFailure(badTrailerTag, "RPM_HEADER_CORRUPT")).toContain("trailer");
    const badTrailerOffset = blob.slice();
    new DataView(badTrailerOffset.buffer).setInt32(trailerAt + 8, -16 * (il + 5));
    blobFailure(badTrailerOffset, "RPM_HEADER_CORRUPT");
    const shortRegion = blob.slice();
    new DataView(shortRegion.buffer).setInt32(trailerAt + 8, -16 * (il - 1));
    expect(blobFailure(shortRegion, "RPM_HEADER_CORRUPT")).toContain("covers");
    blobFailure(patchEntry(blob, 0, "offset", dl), "RPM_HEADER_CORRUPT");
    blobFailure(patchEntry(blob, 0, "count", 8), "RPM_HEADER_CORRUPT");
  });

  it("rejects a blob whose length does not match il and dl, and an empty header", () => {
    const blob = good();
    blobFailure(blob.subarray(0, blob.length - 1), "RPM_HEADER_CORRUPT");
    blobFailure(concat([blob, new Uint8Array(1)]), "RPM_HEADER_CORRUPT");
    blobFailure(new Uint8Array(8), "RPM_HEADER_CORRUPT");
    blobFailure(new Uint8Array(3), "RPM_HEADER_CORRUPT");
  });
});

describe("hostile package contents", () => {
  const files = (extra: BuildEntry[]): BuildEntry[] =>
    packageEntries([
      { tag: Tag.FILEUSERNAME, type: TagType.STRING_ARRAY, value: ["root"] },
      { tag: Tag.FILEGROUPNAME, type: TagType.STRING_ARRAY, value: ["root"] },
      { tag: Tag.DIRINDEXES, type: TagType.INT32, value: [0] },
      { tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: ["f"] },
      { tag: Tag.DIRNAMES, type: TagType.STRING_ARRAY, value: ["/"] },
      ...extra,
    ]);
  const pkgFailure = (entries: BuildEntry[], code: string): string => {
    const header = parseHeaderBlob(buildHeaderBlob(entries, { regionTag: 63 }), { subject: SUBJECT, kind: "header" });
    try {
      buildRpmPackage(header, SUBJECT);
    } catch (e) {
      expect(isGroveError(e) && e.code).toBe(code);
      expect((e as Error).message).toContain(SUBJECT);
      return (e as Error).message;
    }
    throw new Error("expected buildRpmPackage to fail");
  };

  it("accepts the well-formed base case", () => {
    const header = parseHeaderBlob(buildHeaderBlob(files([]), { regionTag: 63 }), { subject: SUBJECT, kind: "header" });
    expect(buildRpmPackage(header, SUBJECT).files.map((f) => f.path)).toEqual(["/f"]);
  });

  it("rejects per-file arrays of the wrong length and directory indexes out of range", () => {
    expect(
      pkgFailure(files([{ tag: Tag.FILEMODES, type: TagType.INT16, value: [1, 2] }]), "RPM_HEADER_CORRUPT"),
    ).toContain("FILEMODES");
    expect(
      pkgFailure(files([{ tag: Tag.DIRINDEXES, type: TagType.INT32, value: [3] }]), "RPM_HEADER_CORRUPT"),
    ).toContain("directory index 3");
    pkgFailure(files([{ tag: Tag.DIRINDEXES, type: TagType.INT32, value: [0, 0] }]), "RPM_HEADER_CORRUPT");
    pkgFailure(
      files([]).filter((e) => e.tag !== Tag.FILEUSERNAME),
      "RPM_HEADER_CORRUPT",
    );
    pkgFailure(
      files([
        { tag: Tag.REQUIREFLAGS, type: TagType.INT32, value: [0, 0] },
        { tag: Tag.REQUIRENAME, type: TagType.STRING_ARRAY, value: ["x"] },
      ]),
      "RPM_HEADER_CORRUPT",
    );
  });

  it("rejects a missing NAME, over-long paths and unknown digest algorithms", () => {
    pkgFailure(
      packageEntries().filter((e) => e.tag !== Tag.NAME),
      "RPM_HEADER_CORRUPT",
    );
    pkgFailure(
      files([{ tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: ["x".repeat(5000)] }]),
      "RPM_PATH_TOO_LONG",
    );
    expect(
      pkgFailure(files([{ tag: Tag.FILEDIGESTALGO, type: TagType.INT32, value: [12] }]), "RPM_UNSUPPORTED_DIGEST"),
    ).toContain("12");
  });

  it("rejects trigger conditions that point at a script that does not exist", () => {
    pkgFailure(
      packageEntries([
        { tag: Tag.TRIGGERSCRIPTS, type: TagType.STRING_ARRAY, value: ["x"] },
        { tag: Tag.TRIGGERNAME, type: TagType.STRING_ARRAY, value: ["a"] },
        { tag: Tag.TRIGGERFLAGS, type: TagType.INT32, value: [1 << 16] },
        { tag: Tag.TRIGGERINDEX, type: TagType.INT32, value: [4] },
      ]),
      "RPM_HEADER_CORRUPT",
    );
  });

  it("names the header digest that does not match, and rejects malformed digest values", async () => {
    const { headerBytes } = buildRpm({ header: packageEntries() });
    const other = buildRpm({ header: packageEntries([{ tag: Tag.VENDOR, type: TagType.STRING, value: "x" }]) });
    // Swap in a different main header behind a valid signature header.
    const sigEnd = other.payloadOffset - other.headerBytes.length;
    const swapped = concat([other.file.subarray(0, sigEnd), headerBytes, new Uint8Array([0x1f, 0x8b])]);
    const err = await failure(swapped);
    expect([err.code, err.message]).toEqual(["RPM_DIGEST_MISMATCH", expect.stringContaining("Header SHA1 digest")]);
    const onlySha256 = buildRpm({
      header: packageEntries(),
      digests: false,
      signature: [{ tag: SigTag.SHA256, type: TagType.STRING, value: "f".repeat(64) }],
    });
    expect((await failure(onlySha256.file)).message).toContain("Header SHA256 digest");
    const notHex = buildRpm({
      header: packageEntries(),
      digests: false,
      signature: [{ tag: SigTag.SHA256, type: TagType.STRING, value: "zz" }],
    });
    expect((await failure(notHex.file)).code).toBe("RPM_HEADER_CORRUPT");
  });
});

const fixturesDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../..",
  "../shared/fixtures/real-rpms",
);
const haveFixtures = existsSync(fixturesDir);
if (process.env.CI && !haveFixtures) throw new Error(`header-hostile.test.ts needs ${fixturesDir} (CI is set)`);

describe.skipIf(!haveFixtures)("deliberately broken real packages", () => {
  const read = (rel: string) => new Uint8Array(readFileSync(path.join(fixturesDir, rel)));

  it("rejects a tampered header by its digest, but parses it without verification", async () => {
    for (const rel of [
      "libzypp/RpmPkgSigCheck/signed_broken_header.rpm",
      "libzypp/RpmPkgSigCheck/unsigned_broken_header.rpm",
    ]) {
      const err = await failure(read(rel));
      expect(err.code).toBe("RPM_DIGEST_MISMATCH");
      const h = await readPackageHeaders(new ByteReader(read(rel), SUBJECT), { verify: false });
      expect(h.pkg.name.length).toBeGreaterThan(0);
    }
  });

  it("rejects scancode's broken.rpm (no header magic after the lead)", async () => {
    expect((await failure(read("scancode-toolkit/broken.rpm"))).code).toBe("RPM_BAD_MAGIC");
  });

  it("never fails with anything but a GroveError when header bytes are flipped at random", async () => {
    const original = read("rpm-rs/RPMS/v6/rpm-scriptlets-1.0-1.noarch.rpm");
    let seed = 0x2545f491;
    const random = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const codes = new Set<string>();
    let parsed = 0;
    for (let round = 0; round < 400; round++) {
      const file = original.slice();
      const flips = 1 + random(4);
      for (let k = 0; k < flips; k++) file[96 + random(8700)] = random(256);
      try {
        const h = await readPackageHeaders(new ByteReader(file, SUBJECT), { verify: false });
        expect(h.pkg.name).toBeTypeOf("string");
        parsed++;
      } catch (e) {
        expect(isGroveError(e), String(e)).toBe(true);
        codes.add((e as { code: string }).code);
      }
    }
    expect(codes.has("RPM_HEADER_CORRUPT")).toBe(true);
    expect(parsed).toBeGreaterThan(0);
  });
});
