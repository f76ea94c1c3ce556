/**
 * The generic header layer on headers built in the test: every data type, alignment, I18N strings, regions and
 * v3 headers, string decoding, and the package fields that no real fixture exercises (old-style weak
 * dependencies, nosrc, path and inode defaults, v6 SHA3-256 digest checks, chunked input).
 */
import { createHash } from "node:crypto";
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import {
  archSuffix,
  buildRpmPackage,
  decodeHeaderString,
  type Header,
  parseHeaderBlob,
  readPackageHeaders,
  SigTag,
  Tag,
  TagType,
} from "../src/header/index.js";
import { ByteReader } from "../src/io/byte-reader.js";
import { RpmSense } from "../src/version/sense.js";
import { type BuildEntry, buildHeaderBlob, buildRpm, packageEntries } from "./header-builder.js";

const SUBJECT = "synthetic.rpm";

function parseMain(entries: BuildEntry[], v3 = false): Header {
  const blob = buildHeaderBlob(entries, v3 ? {} : { regionTag: 63 });
  return parseHeaderBlob(blob, { subject: SUBJECT, kind: "header" });
}

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe("parseHeaderBlob", () => {
  it("reads every data type with its alignment", () => {
    const entries: BuildEntry[] = [
      { tag: 60000, type: TagType.CHAR, value: [0x41, 0x42, 0x43] },
      { tag: 60001, type: TagType.INT16, value: [0xfffe, 7] },
      { tag: 60002, type: TagType.INT8, value: [255] },
      { tag: 60003, type: TagType.INT32, value: [0xffffffff, 1] },
      { tag: 60004, type: TagType.STRING, value: "a" },
      { tag: 60005, type: TagType.INT64, value: [2n ** 40n, 2n ** 63n + 5n] },
      { tag: 60006, type: TagType.BIN, value: new Uint8Array([0, 1, 2]) },
      { tag: 60007, type: TagType.STRING_ARRAY, value: ["x", "", "yz"] },
      { tag: 60008, type: TagType.I18NSTRING, value: ["C text", "de Text"] },
    ];
    const h = parseMain(entries);
    // Region entry first, then the entries, each INT16/32/64 aligned to its size.
    expect(h.entries.map((e) => e.tag)).toEqual([63, 60000, 60001, 60002, 60003, 60004, 60005, 60006, 60007, 60008]);
    for (const e of h.entries.slice(1)) {
      const align = { [TagType.INT16]: 2, [TagType.INT32]: 4, [TagType.INT64]: 8 }[e.type] ?? 1;
      expect(e.offset % align).toBe(0);
    }
    expect(h.getBytes(60000)).toEqual(new Uint8Array([0x41, 0x42, 0x43]));
    expect(h.getNumbers(60000)).toEqual([0x41, 0x42, 0x43]);
    expect(h.getNumbers(60001)).toEqual([0xfffe, 7]);
    expect(h.getNumber(60002)).toBe(255);
    expect(h.getNumbers(60003)).toEqual([0xffffffff, 1]);
    expect(h.getString(60004)).toBe("a");
    expect(h.getStrings(60004)).toEqual(["a"]);
    expect(h.getNumber(60005)).toBe(2 ** 40);
    expect(h.getBigInts(60005)).toEqual([2n ** 40n, 2n ** 63n + 5n]);
    expect(h.getBigInts(60003)).toEqual([0xffffffffn, 1n]);
    expect(h.getBytes(60006)).toEqual(new Uint8Array([0, 1, 2]));
    expect(h.getStrings(60007)).toEqual(["x", "", "yz"]);
    expect(h.getString(60008)).toBe("C text");
    expect(h.getStrings(60008)).toEqual(["C text", "de Text"]);
    expect(h.count(60007)).toBe(3);
    expect(h.has(60009)).toBe(false);
    expect(h.getString(60009)).toBeUndefined();
    expect(h.getNumbers(60009)).toBeUndefined();
    expect(h.region).toEqual({ tag: 63, indexCount: 10, dataLength: h.blob.length - 8 - 16 * 10 });
  });

  it("refuses to read a tag as the wrong type, and a too-large INT64 as a number", () => {
    const h = parseMain([
      { tag: 60000, type: TagType.STRING, value: "text" },
      { tag: 60001, type: TagType.INT64, value: [2n ** 60n] },
    ]);
    for (const call of [
      () => h.getNumber(60000),
      () => h.getBytes(60000),
      () => h.getString(60001),
      () => h.getNumber(60001),
    ]) {
      expect(call).toThrow(expect.objectContaining({ code: "RPM_HEADER_CORRUPT", subject: SUBJECT }));
    }
  });

  it("keeps the blob byte for byte", () => {
    const blob = buildHeaderBlob(packageEntries(), { regionTag: 63 });
    const h = parseHeaderBlob(blob, { subject: SUBJECT, kind: "header" });
    expect(h.blob).toBe(blob);
  });

  it("reads a v3 header without region", () => {
    const h = parseMain(packageEntries(), true);
    expect(h.region).toBeUndefined();
    expect(h.getString(Tag.NAME)).toBe("test");
  });

  it("accepts dribble entries after the region only when asked (installed headers)", () => {
    const region = buildHeaderBlob(packageEntries(), { regionTag: 63 });
    // Append one INT32 dribble (INSTALLTIME) after the region, as rpm does in the rpmdb.
    const view = new DataView(region.buffer, region.byteOffset);
    const il = view.getUint32(0);
    const dl = view.getUint32(4);
    const pad = (4 - (dl % 4)) % 4;
    const out = new Uint8Array(8 + 16 * (il + 1) + dl + pad + 4);
    const ov = new DataView(out.buffer);
    ov.setUint32(0, il + 1);
    ov.setUint32(4, dl + pad + 4);
    out.set(region.subarray(8, 8 + 16 * il), 8);
    ov.setUint32(8 + 16 * il, Tag.INSTALLTIME);
    ov.setUint32(12 + 16 * il, TagType.INT32);
    ov.setInt32(16 + 16 * il, dl + pad);
    ov.setUint32(20 + 16 * il, 1);
    out.set(region.subarray(8 + 16 * il), 8 + 16 * (il + 1));
    ov.setUint32(8 + 16 * (il + 1) + dl + pad, 1234567);
    expect(() => parseHeaderBlob(out, { subject: SUBJECT, kind: "header" })).toThrow(
      expect.objectContaining({ code: "RPM_HEADER_CORRUPT" }),
    );
    const h = parseHeaderBlob(out, { subject: SUBJECT, kind: "header", exactRegion: false });
    expect(h.region).toEqual({ tag: 63, indexCount: il, dataLength: dl });
    expect(h.getNumber(Tag.INSTALLTIME)).toBe(1234567);
  });
});

describe("decodeHeaderString", () => {
  it("decodes valid UTF-8 as UTF-8 and anything else as ISO-8859-1", () => {
    expect(decodeHeaderString(new TextEncoder().encode("Balíček ěščř"))).toBe("Balíček ěščř");
    expect(decodeHeaderString(new Uint8Array([0x42, 0xe1, 0x6c, 0xed]))).toBe("Bálí");
    // 0x80-0x9f stay C1 controls (true ISO-8859-1, not windows-1252).
    expect(decodeHeaderString(new Uint8Array([0x80, 0x9f]))).toBe("\u0080\u009f");
    expect(decodeHeaderString(new Uint8Array([]))).toBe("");
  });

  it("is what the header getters and file paths use", () => {
    const latin1 = new Uint8Array([0x2f, 0x74, 0x6d, 0x70, 0x2f, 0xfc]); // "/tmp/ü" in ISO-8859-1
    const h = parseMain(
      packageEntries([
        { tag: Tag.SUMMARY, type: TagType.I18NSTRING, value: [new Uint8Array([0x64, 0xe9, 0x6a, 0xe0])] },
        { tag: Tag.FILEMODES, type: TagType.INT16, value: [0o100644] },
        { tag: Tag.FILEUSERNAME, type: TagType.STRING_ARRAY, value: ["root"] },
        { tag: Tag.FILEGROUPNAME, type: TagType.STRING_ARRAY, value: ["root"] },
        { tag: Tag.OLDFILENAMES, type: TagType.STRING_ARRAY, value: [latin1] },
      ]),
    );
    const pkg = buildRpmPackage(h, SUBJECT);
    expect(pkg.summary).toBe("déjà");
    expect(pkg.files.map((f) => f.path)).toEqual(["/tmp/ü"]);
  });
});

describe("buildRpmPackage", () => {
  it("maps old-style SUGGESTS/ENHANCES tags to the four weak kinds by RPMSENSE_STRONG, like rpm", () => {
    const strong = RpmSense.STRONG | RpmSense.MISSINGOK;
    const h = parseMain(
      packageEntries([
        { tag: Tag.OLDSUGGESTSNAME, type: TagType.STRING_ARRAY, value: ["rec", "sug"] },
        { tag: Tag.OLDSUGGESTSVERSION, type: TagType.STRING_ARRAY, value: ["1", ""] },
        { tag: Tag.OLDSUGGESTSFLAGS, type: TagType.INT32, value: [strong | RpmSense.GREATER, RpmSense.MISSINGOK] },
        { tag: Tag.OLDENHANCESNAME, type: TagType.STRING_ARRAY, value: ["sup", "enh"] },
        { tag: Tag.OLDENHANCESVERSION, type: TagType.STRING_ARRAY, value: ["", ""] },
        { tag: Tag.OLDENHANCESFLAGS, type: TagType.INT32, value: [strong, RpmSense.MISSINGOK] },
      ]),
    );
    const deps = buildRpmPackage(h, SUBJECT).dependencies;
    expect(deps.recommends).toEqual([{ name: "rec", flags: strong | RpmSense.GREATER, evr: "1" }]);
    expect(deps.suggests).toEqual([{ name: "sug", flags: RpmSense.MISSINGOK, evr: "" }]);
    expect(deps.supplements).toEqual([{ name: "sup", flags: strong, evr: "" }]);
    expect(deps.enhances).toEqual([{ name: "enh", flags: RpmSense.MISSINGOK, evr: "" }]);
    expect(deps.requires).toEqual([]);
  });

  it("prefers the dedicated weak dependency tags over the old ones", () => {
    const h = parseMain(
      packageEntries([
        { tag: Tag.OLDSUGGESTSNAME, type: TagType.STRING_ARRAY, value: ["old"] },
        { tag: Tag.OLDSUGGESTSFLAGS, type: TagType.INT32, value: [RpmSense.STRONG] },
        { tag: Tag.RECOMMENDNAME, type: TagType.STRING_ARRAY, value: ["new"] },
      ]),
    );
    expect(buildRpmPackage(h, SUBJECT).dependencies.recommends).toEqual([{ name: "new", flags: 0, evr: "" }]);
  });

  it("tells src from nosrc, and builds rpm's NEVRA with and without epoch", () => {
    const src = parseMain(
      packageEntries([
        { tag: Tag.SOURCEPACKAGE, type: TagType.INT32, value: [1] },
        { tag: Tag.EPOCH, type: TagType.INT32, value: [0] },
      ]).filter((e) => e.tag !== Tag.SOURCERPM),
    );
    const pkg = buildRpmPackage(src, SUBJECT);
    expect([pkg.isSource, pkg.nevra, pkg.sourceRpm, archSuffix(src)]).toEqual([true, "test-0:1.0-1.x86_64", "", "src"]);
    const nosrc = parseMain(
      packageEntries([
        { tag: Tag.NOSOURCE, type: TagType.INT32, value: [0] },
        { tag: Tag.SOURCEPACKAGE, type: TagType.INT32, value: [1] },
      ]),
    );
    expect(archSuffix(nosrc)).toBe("nosrc");
    const bin = buildRpmPackage(parseMain(packageEntries()), SUBJECT);
    expect([bin.isSource, bin.nevra, bin.sourceRpm]).toEqual([false, "test-1.0-1.x86_64", "test-1.0-1.src.rpm"]);
  });

  it("uses LONGSIZE/LONGFILESIZES over the 32-bit tags, and gives files without FILEINODES distinct inodes", () => {
    const h = parseMain(
      packageEntries([
        { tag: Tag.SIZE, type: TagType.INT32, value: [1] },
        { tag: Tag.FILESIZES, type: TagType.INT32, value: [1, 2] },
        { tag: Tag.FILEUSERNAME, type: TagType.STRING_ARRAY, value: ["root", "bin"] },
        { tag: Tag.FILEGROUPNAME, type: TagType.STRING_ARRAY, value: ["root", "bin"] },
        { tag: Tag.DIRINDEXES, type: TagType.INT32, value: [0, 1] },
        { tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: ["a", "b"] },
        { tag: Tag.DIRNAMES, type: TagType.STRING_ARRAY, value: ["/x/", "/y/z/"] },
        { tag: Tag.FILEDIGESTALGO, type: TagType.INT32, value: [10] },
        { tag: Tag.LONGFILESIZES, type: TagType.INT64, value: [5n * 2n ** 32n, 3n] },
        { tag: Tag.LONGSIZE, type: TagType.INT64, value: [6n * 2n ** 32n] },
      ]),
    );
    const pkg = buildRpmPackage(h, SUBJECT);
    expect(pkg.size).toBe(6 * 2 ** 32);
    expect(pkg.fileDigestAlgorithm).toBe("sha512");
    expect(pkg.files.map((f) => [f.path, f.size, f.user, f.inode, f.mode, f.digest])).toEqual([
      ["/x/a", 5 * 2 ** 32, "root", 1, 0, ""],
      ["/y/z/b", 3, "bin", 2, 0, ""],
    ]);
  });

  it("reads scriptlets whose interpreter is a STRING or a STRING_ARRAY, and the new un-transaction ones", () => {
    const h = parseMain(
      packageEntries([
        { tag: Tag.PREIN, type: TagType.STRING, value: "echo pre" },
        { tag: Tag.PREINPROG, type: TagType.STRING, value: "/bin/bash" },
        { tag: Tag.POSTINPROG, type: TagType.STRING_ARRAY, value: ["/sbin/ldconfig", "-X"] },
        { tag: Tag.PREUNTRANS, type: TagType.STRING, value: "x" },
        { tag: Tag.POSTINFLAGS, type: TagType.INT32, value: [1] },
      ]),
    );
    expect(buildRpmPackage(h, SUBJECT).scripts).toEqual([
      { kind: "pre", interpreter: ["/bin/bash"], body: "echo pre", flags: 0 },
      { kind: "post", interpreter: ["/sbin/ldconfig", "-X"], body: "", flags: 1 },
      { kind: "preuntrans", interpreter: ["/bin/sh"], body: "x", flags: 0 },
    ]);
  });

  it("groups trigger conditions by script index", () => {
    const h = parseMain(
      packageEntries([
        { tag: Tag.TRIGGERSCRIPTS, type: TagType.STRING_ARRAY, value: ["one", "two"] },
        { tag: Tag.TRIGGERNAME, type: TagType.STRING_ARRAY, value: ["a", "b", "c"] },
        { tag: Tag.TRIGGERVERSION, type: TagType.STRING_ARRAY, value: ["", "2", ""] },
        {
          tag: Tag.TRIGGERFLAGS,
          type: TagType.INT32,
          value: [RpmSense.TRIGGERUN, RpmSense.TRIGGERIN | RpmSense.LESS, RpmSense.TRIGGERIN],
        },
        { tag: Tag.TRIGGERINDEX, type: TagType.INT32, value: [1, 0, 0] },
        { tag: Tag.TRIGGERSCRIPTPROG, type: TagType.STRING_ARRAY, value: ["/bin/sh", "<lua>"] },
      ]),
    );
    const triggers = buildRpmPackage(h, SUBJECT).triggers;
    expect(triggers.map((t) => [t.kind, t.interpreter, t.body, t.conditions.map((c) => c.name)])).toEqual([
      ["triggerin", ["/bin/sh"], "one", ["b", "c"]],
      ["triggerun", ["<lua>"], "two", ["a"]],
    ]);
  });
});

describe("readPackageHeaders on built packages", () => {
  it("reads the same from a stream of small chunks and stops at the payload", async () => {
    const { file, payloadOffset, headerBytes } = buildRpm({
      header: packageEntries(),
      payload: new Uint8Array([9, 8]),
    });
    for (const size of [1, 7, file.length]) {
      const reader = new ByteReader(chunked(file, size), SUBJECT);
      const h = await readPackageHeaders(reader, { verify: true });
      expect(reader.position).toBe(payloadOffset);
      expect(h.headerBytes).toEqual(headerBytes);
      expect(h.pkg.nevra).toBe("test-1.0-1.x86_64");
      expect(h.lead.name).toBe("test-1-1");
      expect(h.lead.signatureType).toBe(5);
      expect([...(await reader.read(2))]).toEqual([9, 8]);
    }
  });

  it("verifies a v6 SHA3-256 header digest and names it when it does not match", async () => {
    const header = packageEntries([{ tag: Tag.RPMFORMAT, type: TagType.INT32, value: [6] }]);
    const { headerBytes } = buildRpm({ header });
    const sha3 = createHash("sha3-256").update(headerBytes).digest("hex");
    const sig = (value: string) => [{ tag: SigTag.SHA3_256, type: TagType.STRING, value }];
    const good = buildRpm({ header, digests: false, signature: sig(sha3) });
    await expect(readPackageHeaders(new ByteReader(good.file, SUBJECT), { verify: true })).resolves.toBeDefined();
    const bad = buildRpm({ header, digests: false, signature: sig("0".repeat(64)) });
    const err = await readPackageHeaders(new ByteReader(bad.file, SUBJECT), { verify: true }).catch((e) => e);
    expect(isGroveError(err) && err.code).toBe("RPM_DIGEST_MISMATCH");
    expect(err.message).toContain("SHA3-256");
    expect(err.message).toContain(SUBJECT);
    // Without verify the mismatch is not looked at.
    await expect(readPackageHeaders(new ByteReader(bad.file, SUBJECT), { verify: false })).resolves.toBeDefined();
  });

  it("reports payload digests, legacy MD5 and payload size from the right tags", async () => {
    const digest = "ab".repeat(32);
    const alt = "cd".repeat(32);
    const { file } = buildRpm({
      header: packageEntries([
        { tag: Tag.PAYLOADDIGEST, type: TagType.STRING_ARRAY, value: [digest] },
        { tag: Tag.PAYLOADDIGESTALGO, type: TagType.INT32, value: [8] },
        { tag: Tag.PAYLOADDIGESTALT, type: TagType.STRING_ARRAY, value: [alt] },
      ]),
      signature: [
        { tag: SigTag.MD5, type: TagType.BIN, value: new Uint8Array(16).fill(0x11) },
        { tag: SigTag.PAYLOADSIZE, type: TagType.INT32, value: [4242] },
      ],
    });
    const h = await readPackageHeaders(new ByteReader(file, SUBJECT), { verify: true });
    expect(h.payloadDigest).toEqual({ algorithm: "sha256", compressed: digest, uncompressed: alt });
    expect(h.legacyMd5).toBe("11".repeat(16));
    expect(h.payloadSize).toBe(4242);
  });
});
