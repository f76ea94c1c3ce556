/**
 * Broken and hostile payloads, built in the test (synthetic packages around hand-written cpio archives, and
 * real packages cut or with bytes flipped): each must end in the right GroveError, never a crash or a hang.
 * Also the payload layouts no real fixture has: data in the first hard-link member, empty hard-link sets,
 * the "crc" cpio format, stripped members, %ghost files, and rpm's PAYLOADDIGEST/PAYLOADDIGESTALT rules.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import { readPackageHeaders } from "../src/header/index.js";
import { ByteReader } from "../src/io/byte-reader.js";
import { DecompressionGuard, RATIO_CHECK_FLOOR } from "../src/payload/limits.js";
import { openRpm } from "../src/read-rpm.js";
import {
  type CpioMember,
  collectEntries,
  cpioArchive,
  expectGroveError,
  type HeaderFile,
  readAll,
  realRpmsDir,
  syntheticRpm,
} from "./payload-test-helpers.js";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const HELLO = text("hello, world\n");
const OTHER = text("something else entirely\n");
const GHOST = 1 << 6;

/** A package with /usr/bin/hello (regular), /usr/share/doc (directory) and /usr/bin/hi -> hello (symlink). */
const BASIC_FILES: HeaderFile[] = [
  { path: "/usr/bin/hello", mode: 0o100755, content: HELLO },
  { path: "/usr/bin/hi", mode: 0o120777, linkTo: "hello" },
  { path: "/usr/share/doc", mode: 0o040755 },
];

function basicMembers(overrides: Partial<Record<string, Partial<CpioMember>>> = {}): CpioMember[] {
  const members: CpioMember[] = [
    { name: "./usr/bin/hello", mode: 0o100755, data: HELLO },
    { name: "./usr/bin/hi", mode: 0o120777, data: text("hello") },
    { name: "./usr/share/doc", mode: 0o040755 },
  ];
  return members.map((m) => ({ ...m, ...(overrides[m.name as string] ?? {}) }));
}

describe("well-formed synthetic payloads", () => {
  it("streams files, symlinks and directories, matched by name whatever the order", async () => {
    const payload = cpioArchive(basicMembers().reverse());
    const entries = await readAll(syntheticRpm(BASIC_FILES, { payload, payloadDigest: true, legacyMd5: true }));
    expect(entries.map((e) => [e.entry.type, e.entry.file.path])).toEqual([
      ["directory", "/usr/share/doc"],
      ["symlink", "/usr/bin/hi"],
      ["file", "/usr/bin/hello"],
    ]);
    expect(entries[2]?.content?.toString()).toBe("hello, world\n");
  });

  it("accepts absolute member names and the crc format, and checks the crc byte-sum", async () => {
    const good = cpioArchive(basicMembers({ "./usr/bin/hello": { name: "/usr/bin/hello", format: "crc" } }));
    await readAll(syntheticRpm(BASIC_FILES, { payload: good }));
    const bad = cpioArchive(basicMembers({ "./usr/bin/hello": { format: "crc", checksum: 12345 } }));
    const err = await expectGroveError(
      readAll(syntheticRpm(BASIC_FILES, { payload: bad })),
      "RPM_FILE_DIGEST_MISMATCH",
    );
    expect(err.message).toContain("cpio checksum");
  });

  it("skips %ghost files in the payload and does not require them", async () => {
    const files: HeaderFile[] = [
      ...BASIC_FILES,
      { path: "/var/log/hello.log", content: new Uint8Array(0), flags: GHOST },
    ];
    const without = await readAll(syntheticRpm(files, { payload: cpioArchive(basicMembers()) }));
    expect(without.map((e) => e.entry.file.path)).not.toContain("/var/log/hello.log");
    const withGhost = cpioArchive([...basicMembers(), { name: "./var/log/hello.log", data: text("old rpm wrote me") }]);
    const entries = await readAll(syntheticRpm(files, { payload: withGhost }));
    expect(entries).toHaveLength(3);
  });

  it("reads gzip, and trusts the magic bytes over PAYLOADCOMPRESSOR", async () => {
    const payload = gzipSync(cpioArchive(basicMembers()));
    const rpm = await openRpm(syntheticRpm(BASIC_FILES, { payload, compressor: "xz", payloadDigest: true }));
    expect(await collectEntries(rpm)).toHaveLength(3);
    expect(rpm.stats.compressor).toBe("gzip");
    expect(rpm.stats.compressedBytes).toBe(payload.length);
  });

  it("refuses to read the payload twice", async () => {
    const rpm = await openRpm(syntheticRpm(BASIC_FILES, { payload: cpioArchive(basicMembers()) }));
    await collectEntries(rpm);
    expect(() => rpm.entries()).toThrowError(expect.objectContaining({ code: "RPM_PAYLOAD_ALREADY_READ" }));
  });
});

describe("hard-link sets", () => {
  const files: HeaderFile[] = [
    { path: "/bin/a", content: HELLO, inode: 7 },
    { path: "/bin/b", content: HELLO, inode: 7 },
    { path: "/bin/c", content: HELLO, inode: 7 },
    { path: "/bin/solo", content: OTHER, inode: 8 },
  ];
  const link = (name: string, data?: Uint8Array): CpioMember => ({ name, inode: 7, nlink: 3, data });

  it("rpm's layout (data with the last member): one file, then links to it", async () => {
    const payload = cpioArchive([
      link("./bin/a"),
      link("./bin/b"),
      link("./bin/c", HELLO),
      { name: "./bin/solo", data: OTHER, inode: 8 },
    ]);
    const entries = await readAll(syntheticRpm(files, { payload }));
    expect(entries.map((e) => [e.entry.type, e.entry.file.path, "target" in e.entry ? e.entry.target : ""])).toEqual([
      ["file", "/bin/c", ""],
      ["hardlink", "/bin/a", "/bin/c"],
      ["hardlink", "/bin/b", "/bin/c"],
      ["file", "/bin/solo", ""],
    ]);
  });

  it("data with the first member: links follow as they come", async () => {
    const payload = cpioArchive([
      link("./bin/b", HELLO),
      { name: "./bin/solo", data: OTHER, inode: 8 },
      link("./bin/a"),
      link("./bin/c"),
    ]);
    const entries = await readAll(syntheticRpm(files, { payload }));
    expect(entries.map((e) => `${e.entry.type}:${e.entry.file.path}`)).toEqual([
      "file:/bin/b",
      "file:/bin/solo",
      "hardlink:/bin/a",
      "hardlink:/bin/c",
    ]);
  });

  it("data stored twice is verified twice and emitted once", async () => {
    const payload = cpioArchive([
      link("./bin/a", HELLO),
      link("./bin/b", HELLO),
      link("./bin/c"),
      { name: "./bin/solo", data: OTHER, inode: 8 },
    ]);
    const entries = await readAll(syntheticRpm(files, { payload }));
    expect(entries.filter((e) => e.entry.type === "file")).toHaveLength(2);
  });

  it("a set of empty files: the first member is the file", async () => {
    const empty: HeaderFile[] = files.slice(0, 3).map((f) => ({ ...f, content: new Uint8Array(0) }));
    const payload = cpioArchive([link("./bin/a"), link("./bin/b"), link("./bin/c")]);
    const entries = await readAll(syntheticRpm(empty, { payload }));
    expect(entries.map((e) => e.entry.type)).toEqual(["file", "hardlink", "hardlink"]);
  });

  it("a set whose data never comes is RPM_PAYLOAD_MISSING_FILE", async () => {
    const payload = cpioArchive([
      link("./bin/a"),
      link("./bin/b"),
      link("./bin/c"),
      { name: "./bin/solo", data: OTHER, inode: 8 },
    ]);
    const err = await expectGroveError(readAll(syntheticRpm(files, { payload })), "RPM_PAYLOAD_MISSING_FILE");
    expect(err.message).toContain("/bin/a");
  });

  it("stripped members (LONGFILESIZES): data after the set's last member, sizes from the header", async () => {
    const withLink: HeaderFile[] = [...files, { path: "/bin/ln", mode: 0o120777, linkTo: "solo" }];
    const payload = cpioArchive([
      { format: "stripped", fileIndex: 4, data: text("solo") },
      { format: "stripped", fileIndex: 0 },
      { format: "stripped", fileIndex: 1 },
      { format: "stripped", fileIndex: 2, data: HELLO },
      { format: "stripped", fileIndex: 3, data: OTHER },
    ]);
    const entries = await readAll(syntheticRpm(withLink, { payload, longSizes: true }));
    expect(entries.map((e) => `${e.entry.type}:${e.entry.file.path}`)).toEqual([
      "symlink:/bin/ln",
      "file:/bin/c",
      "hardlink:/bin/a",
      "hardlink:/bin/b",
      "file:/bin/solo",
    ]);
    const bad = cpioArchive([{ format: "stripped", fileIndex: 9 }]);
    await expectGroveError(
      readAll(syntheticRpm(withLink, { payload: bad, longSizes: true })),
      "RPM_PAYLOAD_UNKNOWN_ENTRY",
    );
  });
});

describe("hostile payloads", () => {
  it("a '..' component is RPM_PAYLOAD_BAD_PATH", async () => {
    for (const name of ["./usr/../../etc/passwd", "../etc/passwd", "./usr/./bin/hello", "./usr//bin/hello", "."]) {
      const payload = cpioArchive([{ name, data: HELLO }, ...basicMembers()]);
      await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload })), "RPM_PAYLOAD_BAD_PATH");
    }
  });

  it("'./' is the root directory, for packages that own it (Fedora's filesystem)", async () => {
    const files: HeaderFile[] = [{ path: "/", mode: 0o040555 }, ...BASIC_FILES];
    const payload = cpioArchive([{ name: "./", mode: 0o040555 }, ...basicMembers()]);
    const entries = await readAll(syntheticRpm(files, { payload }));
    expect(entries[0]?.entry).toMatchObject({ type: "directory", file: { path: "/" } });
    const unlisted = cpioArchive([{ name: "./", mode: 0o040555 }, ...basicMembers()]);
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: unlisted })), "RPM_PAYLOAD_UNKNOWN_ENTRY");
  });

  it("a member the header does not list is RPM_PAYLOAD_UNKNOWN_ENTRY", async () => {
    const payload = cpioArchive([...basicMembers(), { name: "./etc/cron.d/evil", data: HELLO }]);
    const err = await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload })), "RPM_PAYLOAD_UNKNOWN_ENTRY");
    expect(err.message).toContain("/etc/cron.d/evil");
    expect(err.message).toContain("test-1.0-1.x86_64");
  });

  it("a member twice is RPM_PAYLOAD_DUPLICATE_ENTRY", async () => {
    const payload = cpioArchive([...basicMembers(), { name: "./usr/bin/hello", mode: 0o100755, data: HELLO }]);
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload })), "RPM_PAYLOAD_DUPLICATE_ENTRY");
  });

  it("a header file missing from the payload is RPM_PAYLOAD_MISSING_FILE", async () => {
    const payload = cpioArchive(basicMembers().slice(1));
    const err = await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload })), "RPM_PAYLOAD_MISSING_FILE");
    expect(err.message).toContain("/usr/bin/hello");
  });

  it("changed content is RPM_FILE_DIGEST_MISMATCH naming package and path, even when the content is skipped", async () => {
    const payload = cpioArchive(basicMembers({ "./usr/bin/hello": { data: text("hello, World\n") } }));
    const bytes = syntheticRpm(BASIC_FILES, { payload });
    const err = await expectGroveError(readAll(bytes), "RPM_FILE_DIGEST_MISMATCH");
    expect(err.message).toContain("test-1.0-1.x86_64");
    expect(err.message).toContain("/usr/bin/hello");
    const skipping = async (): Promise<void> => {
      for await (const entry of (await openRpm(bytes)).entries()) void entry;
    };
    await expectGroveError(skipping(), "RPM_FILE_DIGEST_MISMATCH");
    // Reading part of the content and stopping early: the rest is drained and checked too.
    const partial = async (): Promise<void> => {
      for await (const entry of (await openRpm(bytes)).entries()) {
        if (entry.type === "file") for await (const chunk of entry.content) if (chunk.length > 0) break;
      }
    };
    await expectGroveError(partial(), "RPM_FILE_DIGEST_MISMATCH");
    // Without verification the changed bytes come through.
    const unverified = await readAll(bytes, { verify: false });
    expect(unverified.find((e) => e.entry.type === "file")?.content?.toString()).toBe("hello, World\n");
  });

  it("sizes that disagree with the header are RPM_PAYLOAD_SIZE_MISMATCH", async () => {
    const longer = cpioArchive(basicMembers({ "./usr/bin/hello": { data: text("hello, world!!\n") } }));
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: longer })), "RPM_PAYLOAD_SIZE_MISMATCH");
    const dirWithData = cpioArchive(basicMembers({ "./usr/share/doc": { data: HELLO } }));
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: dirWithData })), "RPM_PAYLOAD_SIZE_MISMATCH");
  });

  it("a symlink target or file type that disagrees with the header is RPM_PAYLOAD_CORRUPT", async () => {
    const target = cpioArchive(basicMembers({ "./usr/bin/hi": { data: text("/etc/x") } }));
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: target })), "RPM_PAYLOAD_CORRUPT");
    const type = cpioArchive(basicMembers({ "./usr/share/doc": { mode: 0o100644 } }));
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: type })), "RPM_PAYLOAD_CORRUPT");
  });

  it("bad cpio headers and data after the trailer are RPM_PAYLOAD_CORRUPT", async () => {
    const archive = cpioArchive(basicMembers());
    const badMagic = Uint8Array.from(archive);
    badMagic.set(text("070707"), 0);
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: badMagic })), "RPM_PAYLOAD_CORRUPT");
    const badHex = Uint8Array.from(archive);
    badHex.set(text("zz"), 20);
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: badHex })), "RPM_PAYLOAD_CORRUPT");
    const trailing = new Uint8Array([...archive, ...text("junk")]);
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: trailing })), "RPM_PAYLOAD_CORRUPT");
  });

  it("a truncated archive is RPM_TRUNCATED, and so is a package without payload", async () => {
    const archive = cpioArchive(basicMembers());
    for (const cut of [1, 50, 115, archive.length - 20]) {
      const payload = archive.subarray(0, cut);
      await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload })), "RPM_TRUNCATED");
    }
    await expectGroveError(readAll(syntheticRpm(BASIC_FILES, { payload: new Uint8Array(0) })), "RPM_TRUNCATED");
  });

  it("unknown compression magic is RPM_PAYLOAD_UNKNOWN_COMPRESSION", async () => {
    const payload = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    await expectGroveError(
      readAll(syntheticRpm(BASIC_FILES, { payload, compressor: "zip" })),
      "RPM_PAYLOAD_UNKNOWN_COMPRESSION",
    );
  });

  it("a decompression bomb is RPM_PAYLOAD_TOO_LARGE before it is inflated", async () => {
    // 200 MB of zeros after the trailer gzip to ~200 KB; the header's files allow ~1 MiB.
    const archive = cpioArchive(basicMembers());
    const bomb = gzipSync(Buffer.concat([archive, Buffer.alloc(200 << 20)]), { level: 1 });
    const rpm = await openRpm(syntheticRpm(BASIC_FILES, { payload: bomb }));
    await expectGroveError(collectEntries(rpm), "RPM_PAYLOAD_TOO_LARGE");
    expect(rpm.stats.payloadBytes).toBeLessThan(16 << 20);
  });

  it("the ratio limit stops output far beyond what the input could hold", () => {
    const guard = new DecompressionGuard("bomb.rpm", Number.POSITIVE_INFINITY, () => 1000, {
      maxCompressionRatio: 1000,
    });
    guard.add(RATIO_CHECK_FLOOR);
    expect(() => guard.add(1 << 20)).toThrowError(expect.objectContaining({ code: "RPM_PAYLOAD_TOO_LARGE" }));
    const capped = new DecompressionGuard("big.rpm", Number.POSITIVE_INFINITY, () => 1 << 30, { maxPayloadBytes: 100 });
    expect(() => capped.add(101)).toThrowError(expect.objectContaining({ code: "RPM_PAYLOAD_TOO_LARGE" }));
  });

  it("a payload format other than cpio is RPM_PAYLOAD_UNSUPPORTED_FORMAT", async () => {
    const bytes = syntheticRpm(BASIC_FILES, { payload: cpioArchive(basicMembers()) });
    const reader = new ByteReader(bytes, "x.rpm");
    const headers = await readPackageHeaders(reader, { verify: true });
    expect(headers.pkg.payloadFormat).toBe("cpio");
    const drpm = { ...headers, pkg: { ...headers.pkg, payloadFormat: "drpm" } };
    const { readPayloadEntries } = await import("../src/payload/payload-reader.js");
    const stats = { compressor: undefined, compressedBytes: 0, payloadBytes: 0, entryCount: 0 };
    await expectGroveError(readPayloadEntries(reader, drpm, stats).next(), "RPM_PAYLOAD_UNSUPPORTED_FORMAT");
  });
});

describe("payload digests", () => {
  const archive = cpioArchive(basicMembers());

  it("PAYLOADDIGEST and SIGMD5 are checked after the last entry", async () => {
    await readAll(syntheticRpm(BASIC_FILES, { payload: archive, payloadDigest: true, legacyMd5: true }));
    const wrong = "0".repeat(64);
    await expectGroveError(
      readAll(syntheticRpm(BASIC_FILES, { payload: archive, payloadDigest: wrong })),
      "RPM_PAYLOAD_DIGEST_MISMATCH",
    );
    await readAll(syntheticRpm(BASIC_FILES, { payload: archive, payloadDigest: wrong }), { verify: false });
    // A changed SIGMD5 value (the signature header is covered by no other digest) fails at the end.
    const good = Buffer.from(syntheticRpm(BASIC_FILES, { payload: archive, legacyMd5: true }));
    const reader = new ByteReader(good, "x.rpm");
    const { headerBytes } = await readPackageHeaders(reader, { verify: true });
    const md5 = createHash("md5").update(headerBytes).update(archive).digest();
    const at = good.indexOf(md5);
    expect(at).toBeGreaterThan(0);
    good[at] = (good[at] as number) ^ 1;
    const err = await expectGroveError(readAll(good), "RPM_PAYLOAD_DIGEST_MISMATCH");
    expect(err.message).toContain("SIGMD5");
  });

  it("large payloads hash on a worker thread with the same results", async () => {
    // The announced size (PAYLOADSIZE) selects off-thread hashing; the content is what counts.
    const big = { payload: archive, payloadSize: 20 << 20, legacyMd5: true };
    await readAll(syntheticRpm(BASIC_FILES, { ...big, payloadDigest: true }));
    const err = await expectGroveError(
      readAll(syntheticRpm(BASIC_FILES, { ...big, payloadDigest: "3".repeat(64) })),
      "RPM_PAYLOAD_DIGEST_MISMATCH",
    );
    expect(err.message).toContain("PAYLOADDIGEST");
  });

  it("PAYLOADDIGESTALT (uncompressed) vouches for a recompressed payload, as in rpm", async () => {
    const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
    const gz = gzipSync(archive);
    const base = syntheticRpm(BASIC_FILES, { payload: gz, payloadDigest: true });
    const reader = new ByteReader(base, "x.rpm");
    const headers = await readPackageHeaders(reader, { verify: true });
    const { readPayloadEntries } = await import("../src/payload/payload-reader.js");
    const run = async (compressed: string, uncompressed: string): Promise<void> => {
      const r = new ByteReader(base, "x.rpm");
      await readPackageHeaders(r, { verify: false });
      const facts = { ...headers, payloadDigest: { algorithm: "sha256" as const, compressed, uncompressed } };
      const stats = { compressor: undefined, compressedBytes: 0, payloadBytes: 0, entryCount: 0 };
      for await (const entry of readPayloadEntries(r, facts, stats)) void entry;
    };
    await run(sha(gz), sha(archive));
    await run("1".repeat(64), sha(archive)); // recompressed: ALT still matches
    await run(sha(gz), "2".repeat(64));
    await expectGroveError(run("1".repeat(64), "2".repeat(64)), "RPM_PAYLOAD_DIGEST_MISMATCH");
  });
});

const fixtures = realRpmsDir();
const PAYLOAD_TESTS = ["w.ufdio", "w9.gzdio", "w9.bzdio", "w6.xzdio", "w6.lzdio", "w3.zstdio"].map(
  (kind) => `go-rpmutils/payload-test-0.1-${kind}.x86_64.rpm`,
);

async function payloadOffsetOf(bytes: Uint8Array): Promise<number> {
  const reader = new ByteReader(bytes, "x.rpm");
  await readPackageHeaders(reader, { verify: false });
  return reader.position;
}

describe.skipIf(fixtures === undefined)("damaged real packages", () => {
  for (const name of PAYLOAD_TESTS) {
    it(`${path.basename(name)}: cut anywhere in the payload is RPM_TRUNCATED`, async () => {
      const bytes = readFileSync(path.join(fixtures as string, name));
      const offset = await payloadOffsetOf(bytes);
      for (const keep of [0.1, 0.5, 0.9]) {
        const cut = offset + Math.max(1, Math.floor((bytes.length - offset) * keep));
        await expectGroveError(readAll(bytes.subarray(0, cut)), "RPM_TRUNCATED");
      }
    });

    it(`${path.basename(name)}: every single flipped payload byte ends in a GroveError`, async () => {
      const bytes = readFileSync(path.join(fixtures as string, name));
      const offset = await payloadOffsetOf(bytes);
      const codes = new Set<string>();
      for (let i = offset; i < bytes.length; i++) {
        const damaged = Uint8Array.from(bytes);
        damaged[i] = (damaged[i] as number) ^ 0x55;
        try {
          await readAll(damaged);
          throw new Error(`flipping byte ${i} went unnoticed`);
        } catch (err) {
          if (!isGroveError(err)) throw err;
          codes.add(err.code);
        }
      }
      const allowed = [
        "RPM_PAYLOAD_CORRUPT",
        "RPM_TRUNCATED",
        "RPM_FILE_DIGEST_MISMATCH",
        "RPM_PAYLOAD_DIGEST_MISMATCH",
        "RPM_PAYLOAD_UNKNOWN_COMPRESSION",
        "RPM_PAYLOAD_UNKNOWN_ENTRY",
        "RPM_PAYLOAD_BAD_PATH",
        "RPM_PAYLOAD_SIZE_MISMATCH",
        "RPM_PAYLOAD_MISSING_FILE",
        "RPM_PAYLOAD_TOO_LARGE",
      ];
      for (const code of codes) expect(allowed).toContain(code);
    });
  }

  it("a flipped byte in an uncompressed file's data is RPM_FILE_DIGEST_MISMATCH naming the file", async () => {
    const bytes = readFileSync(path.join(fixtures as string, "rpm/RPMS/hlinktest-1.0-1.noarch.rpm"));
    const offset = await payloadOffsetOf(bytes);
    const at = Buffer.from(bytes).indexOf("echo hlinktest", offset);
    const damaged = Uint8Array.from(bytes);
    damaged[at] = 0x45; // 'E'
    const err = await expectGroveError(readAll(damaged), "RPM_FILE_DIGEST_MISMATCH");
    expect(err.message).toContain("hlinktest-1.0-1.noarch");
    expect(err.message).toContain("/foo/copyllo");
  });
});
