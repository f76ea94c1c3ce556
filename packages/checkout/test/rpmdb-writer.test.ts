/**
 * The rpmdb writer's own rules, without rpm: the installed-header layout, rich dependency keys, transient requires,
 * the errors for headers rpm would not record, the package-set key, installing into a root, reading the input back
 * from a store, and timings on the real fixtures and (when present) the benchmark corpus.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { importEntries, initStore } from "@grove/core";
import { ByteReader, importRpm, parseHeaderBlob, readPackageHeaders, SigTag, Tag, TagType } from "@grove/rpm";
import { afterAll, describe, expect, it } from "vitest";
import { type BuildEntry, buildHeaderBlob, packageEntries, withMagic } from "../../rpm/test/header-builder.js";
import {
  buildInstalledHeader,
  buildRpmdb,
  installRpmdb,
  isTransientRequire,
  readRpmdbPackages,
  richDepIndexKeys,
  rpmdbKey,
  transactionColor,
  writeRpmdb,
} from "../src/rpmdb/index.js";
import { fixturesDir, listFixtures, readRpmdb, repoRoot } from "./rpmdb-helpers.js";

const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const haveFixtures = existsSync(fixturesDir);
if (!haveFixtures && process.env.CI) throw new Error(`rpmdb-writer.test.ts: fixtures missing at ${fixturesDir}`);
if (!haveFixtures) console.warn(`rpmdb-writer.test.ts: fixture tests skipped, ${fixturesDir} is missing`);

const TIMES = { installTime: 1_700_000_000, installTid: 1_700_000_000, installColor: 3 };

/** A main header (with magic) from entries: NAME etc. plus `extra`. */
function mainHeader(extra: BuildEntry[] = [], options: { v3?: boolean } = {}): Uint8Array {
  return withMagic(buildHeaderBlob(packageEntries(extra), options.v3 ? {} : { regionTag: Tag.HEADERIMMUTABLE }));
}

/** A signature header (with magic) from entries. */
function signatureHeader(entries: BuildEntry[]): Uint8Array {
  return withMagic(buildHeaderBlob(entries, { regionTag: Tag.HEADERSIGNATURES }));
}

const FILES: BuildEntry[] = [
  { tag: Tag.FILEMODES, type: TagType.INT16, value: [0o100644, 0o100755] },
  { tag: Tag.DIRINDEXES, type: TagType.INT32, value: [0, 0] },
  { tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: ["a", "b"] },
  { tag: Tag.DIRNAMES, type: TagType.STRING_ARRAY, value: ["/opt/x/"] },
];

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return (err as { code?: string } | undefined)?.code ?? "no error";
}

function codeOfSync(fn: () => unknown): string {
  try {
    fn();
    return "no error";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe("installed header", () => {
  it("keeps the region byte for byte and appends rpm's dribbles sorted by tag, each aligned for its type", () => {
    const headerBytes = mainHeader(FILES);
    const { blob, header } = buildInstalledHeader({
      headerBytes,
      fileStates: Uint8Array.from([0, 4]),
      ...TIMES,
      subject: "t",
    });
    const region = parseHeaderBlob(headerBytes.subarray(8), { subject: "t", kind: "header" });
    const ril = region.entries.length;
    const view = new DataView(blob.buffer, blob.byteOffset);
    // Region index entries and data unchanged.
    expect(Buffer.from(blob.subarray(8, 8 + 16 * ril))).toEqual(Buffer.from(headerBytes.subarray(16, 16 + 16 * ril)));
    const dataStart = 8 + 16 * view.getUint32(0);
    expect(Buffer.from(blob.subarray(dataStart, dataStart + (region.region?.dataLength ?? 0)))).toEqual(
      Buffer.from(headerBytes.subarray(16 + 16 * ril)),
    );
    const added = header.entries.slice(ril);
    expect(added.map((e) => e.tag)).toEqual([
      Tag.SHA1HEADER,
      Tag.SHA256HEADER,
      Tag.INSTALLTIME,
      Tag.FILESTATES,
      Tag.INSTALLCOLOR,
      Tag.INSTALLTID,
    ]);
    for (const e of added) {
      const align = e.type === TagType.INT32 ? 4 : 1;
      expect(e.offset % align, String(e.tag)).toBe(0);
    }
    expect(header.getString(Tag.SHA256HEADER)).toBe(createHash("sha256").update(headerBytes).digest("hex"));
    expect(header.getString(Tag.SHA1HEADER)).toBe(createHash("sha1").update(headerBytes).digest("hex"));
    expect(header.getNumber(Tag.INSTALLTIME)).toBe(TIMES.installTime);
    expect(header.getNumber(Tag.INSTALLCOLOR)).toBe(3);
    expect([...(header.getBytes(Tag.FILESTATES) ?? [])]).toEqual([0, 4]);
  });

  it("merges and renumbers the signature tags as rpm does, instead of computing the digests", () => {
    const headerBytes = mainHeader();
    const md5 = new Uint8Array(16).fill(7);
    const signatureBytes = signatureHeader([
      { tag: SigTag.SHA256, type: TagType.STRING, value: "ab".repeat(32) },
      { tag: SigTag.SIZE, type: TagType.INT32, value: [1234] },
      { tag: SigTag.MD5, type: TagType.BIN, value: md5 },
      { tag: SigTag.PAYLOADSIZE, type: TagType.INT32, value: [99] },
      { tag: SigTag.RESERVEDSPACE, type: TagType.BIN, value: new Uint8Array(8) },
    ]);
    const { header } = buildInstalledHeader({ headerBytes, signatureBytes, ...TIMES, subject: "t" });
    expect(header.getNumber(Tag.SIGSIZE)).toBe(1234);
    expect([...(header.getBytes(Tag.SIGMD5) ?? [])]).toEqual([...md5]);
    expect(header.getNumber(Tag.ARCHIVESIZE)).toBe(99);
    expect(header.getString(Tag.SHA256HEADER)).toBe("ab".repeat(32));
    expect(header.has(Tag.SHA1HEADER)).toBe(false);
    expect(header.has(Tag.FILESTATES)).toBe(false); // no files
    expect(header.getString(Tag.SOURCERPM)).toBe("test-1.0-1.src.rpm");
  });

  it("refuses what rpm would refuse or rewrite, naming the package", () => {
    const build = (input: Partial<Parameters<typeof buildInstalledHeader>[0]>) => () =>
      buildInstalledHeader({ headerBytes: mainHeader(), ...TIMES, subject: "pkg.rpm", ...input });
    expect(codeOfSync(build({ headerBytes: new Uint8Array(40) }))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
    expect(codeOfSync(build({ headerBytes: mainHeader().subarray(0, 60) }))).toMatch(/^RPM_/);
    expect(codeOfSync(build({ headerBytes: mainHeader([], { v3: true }) }))).toBe("CHECKOUT_RPMDB_UNSUPPORTED_HEADER");
    const oldNames = mainHeader([{ tag: Tag.OLDFILENAMES, type: TagType.STRING_ARRAY, value: ["/a"] }]);
    expect(codeOfSync(build({ headerBytes: oldNames }))).toBe("CHECKOUT_RPMDB_UNSUPPORTED_HEADER");
    const source = mainHeader([{ tag: Tag.SOURCEPACKAGE, type: TagType.INT32, value: [1] }]);
    expect(codeOfSync(build({ headerBytes: source }))).toBe("CHECKOUT_RPMDB_UNSUPPORTED_HEADER");
    expect(codeOfSync(build({ headerBytes: mainHeader(FILES), fileStates: new Uint8Array(3) }))).toBe(
      "CHECKOUT_RPMDB_BAD_INPUT",
    );
    expect(codeOfSync(build({ fileStates: new Uint8Array(1) }))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
    expect(codeOfSync(build({ installTime: -1 }))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
    expect(codeOfSync(build({ installTid: 2 ** 32 }))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
    expect(codeOfSync(build({ installColor: 1.5 }))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
    // Signature tags of the wrong type or size, or present in both headers: rpm's "invalid signature tag".
    const sig = (entries: BuildEntry[]) => build({ signatureBytes: signatureHeader(entries) });
    expect(codeOfSync(sig([{ tag: SigTag.SIZE, type: TagType.STRING, value: "12" }]))).toBe(
      "CHECKOUT_RPMDB_UNSUPPORTED_HEADER",
    );
    expect(codeOfSync(sig([{ tag: SigTag.MD5, type: TagType.BIN, value: new Uint8Array(15) }]))).toBe(
      "CHECKOUT_RPMDB_UNSUPPORTED_HEADER",
    );
    const withArchiveSize = mainHeader([{ tag: Tag.ARCHIVESIZE, type: TagType.INT32, value: [5] }]);
    const both = buildInstalledHeader({
      headerBytes: withArchiveSize,
      signatureBytes: signatureHeader([{ tag: SigTag.SIZE, type: TagType.INT32, value: [1] }]),
      ...TIMES,
      subject: "t",
    });
    expect(both.header.getNumber(Tag.ARCHIVESIZE)).toBe(5); // either header, never both: main header's kept
    expect(
      codeOfSync(() =>
        buildInstalledHeader({
          headerBytes: withArchiveSize,
          signatureBytes: signatureHeader([{ tag: SigTag.PAYLOADSIZE, type: TagType.INT32, value: [5] }]),
          ...TIMES,
          subject: "t",
        }),
      ),
    ).toBe("CHECKOUT_RPMDB_UNSUPPORTED_HEADER");
    const err = (() => {
      try {
        build({ headerBytes: source })();
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain("pkg.rpm");
  });
});

describe("index keys", () => {
  it("splits rich dependencies as rpm's updateRichDep: sorted, deduplicated, conditions negated", () => {
    expect(richDepIndexKeys("(bash or zsh)")).toEqual(["bash", "zsh"]);
    expect(richDepIndexKeys("(a if b else c)")).toEqual(["a", "b", "c", "!b"]);
    expect(richDepIndexKeys("(a unless b)")).toEqual(["a", "!b"]);
    expect(richDepIndexKeys("((a if b) and (c if d))")).toEqual(["a", "c", "!b", "!d"]);
    expect(richDepIndexKeys("(x and (x or y))")).toEqual(["x", "y"]);
    expect(richDepIndexKeys("(foo >= 1.0 or rpmlib(Bar) <= 4)")).toEqual(["foo"]);
    expect(richDepIndexKeys("(perl(Foo::Bar) with perl(Baz))")).toEqual(["perl(Baz)", "perl(Foo::Bar)"]);
    expect(richDepIndexKeys("(a and)")).toEqual([]);
    // Conditions nested in conditions double their keys at every level (else copies them): bounded, not a hang.
    let hostile = "y";
    for (let i = 0; i < 30; i++) hostile = `(a${i} if ${hostile} else b${i})`;
    expect(codeOfSync(() => richDepIndexKeys(hostile, "evil.rpm"))).toBe("CHECKOUT_RPMDB_BAD_HEADER");
    expect(richDepIndexKeys("(a1 if (a0 if y else b0) else b1)")).toEqual([
      "a0",
      "a1",
      "b0",
      "b1",
      "y",
      "!a0",
      "!b0",
      "!y",
    ]);
    expect(richDepIndexKeys("(unbalanced")).toEqual([]);
  });

  it("leaves out only install-time requires (rpm's isTransientReq)", () => {
    const PRE = 1 << 9;
    const POST = 1 << 10;
    const PREUN = 1 << 11;
    const POSTUN = 1 << 12;
    const PRETRANS = 1 << 7;
    const POSTTRANS = 1 << 5;
    const RPMLIB = 1 << 24;
    const META = 1 << 29;
    const INTERP = 1 << 8;
    for (const f of [PRE, POST, PRETRANS, POSTTRANS, RPMLIB | 8, PRE | INTERP])
      expect(isTransientRequire(f)).toBe(true);
    for (const f of [0, 12, PREUN, POSTUN, PRE | PREUN, PRE | META, INTERP]) expect(isTransientRequire(f)).toBe(false);
  });

  it("refuses a file trigger without its index, which would crash rpm", async () => {
    const headerBytes = mainHeader([{ tag: Tag.FILETRIGGERNAME, type: TagType.STRING_ARRAY, value: ["/usr/lib"] }]);
    expect(await codeOf(buildRpmdb([{ headerBytes }]))).toBe("CHECKOUT_RPMDB_BAD_HEADER");
  });
});

describe("databases", () => {
  it("writes an empty database with rpm's full schema", async () => {
    const file = path.join(tempDir("grove-rpmdb-empty-"), "rpmdb.sqlite");
    const stats = await writeRpmdb(file, []);
    expect(stats.packages).toBe(0);
    const content = await readRpmdb(file);
    expect(content.tables.size).toBe(18);
    expect(content.blobs.size).toBe(0);
    expect(content.formatVersions).toEqual([1, 1]);
    expect(content.schema.filter((s) => s.startsWith("index")).length).toBe(29); // 16 key + 13 hnum indexes
  });

  it("indexes Installtid little-endian, Sigmd5 as bytes, Group Unknown when missing, strings byte for byte", async () => {
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9]); // "café" in ISO-8859-1: not UTF-8
    const headerBytes = mainHeader([
      { tag: Tag.PROVIDENAME, type: TagType.STRING_ARRAY, value: [latin1, ""] },
      { tag: Tag.PROVIDEFLAGS, type: TagType.INT32, value: [0, 0] },
      { tag: Tag.PROVIDEVERSION, type: TagType.STRING_ARRAY, value: ["", ""] },
    ]);
    const signatureBytes = signatureHeader([{ tag: SigTag.MD5, type: TagType.BIN, value: new Uint8Array(16).fill(1) }]);
    const file = path.join(tempDir("grove-rpmdb-keys-"), "rpmdb.sqlite");
    await writeRpmdb(file, [{ headerBytes, signatureBytes }], { installTid: 0x01020304, installTime: 5 });
    const { tables } = await readRpmdb(file);
    expect(tables.get("Installtid")).toEqual([{ key: "04030201", keyType: "blob", hnum: 1, idx: 0 }]);
    expect(tables.get("Sigmd5")).toEqual([{ key: "01".repeat(16), keyType: "blob", hnum: 1, idx: 0 }]);
    expect(tables.get("Group")).toEqual([
      { key: Buffer.from("Unknown").toString("hex").toUpperCase(), keyType: "text", hnum: 1, idx: 0 },
    ]);
    expect(tables.get("Providename")).toEqual([
      { key: "636166E9", keyType: "text", hnum: 1, idx: 0 },
      { key: "", keyType: "text", hnum: 1, idx: 1 },
    ]);
    expect(tables.get("Sha1header")).toEqual([]);
  });

  it("keys a package set independently of order, by NEVRA, file sha256 and install color", () => {
    const a = { nevra: "a-1-1.x86_64", sha256: "a".repeat(64) };
    const b = { nevra: "b-0:2-1.noarch", sha256: "b".repeat(64) };
    const key = rpmdbKey([a, b]);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(rpmdbKey([b, a])).toBe(key);
    expect(rpmdbKey([a])).not.toBe(key);
    expect(rpmdbKey([a, { ...b, sha256: "c".repeat(64) }])).not.toBe(key);
    expect(rpmdbKey([a, b], { installColor: 0 })).not.toBe(key);
    expect(codeOfSync(() => rpmdbKey([{ nevra: "x", sha256: "nothex" }]))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
    expect(codeOfSync(() => rpmdbKey([{ nevra: "x y", sha256: "a".repeat(64) }]))).toBe("CHECKOUT_RPMDB_BAD_INPUT");
  });

  it("knows rpm's transaction color per architecture", () => {
    expect(["x86_64", "aarch64", "ppc64le", "s390x", "riscv64"].map(transactionColor)).toEqual([3, 3, 3, 3, 3]);
    expect(["i686", "armv7hl", "noarch"].map(transactionColor)).toEqual([0, 0, 0]);
    expect(transactionColor("ia64")).toBe(2);
  });
});

describe("installRpmdb", () => {
  const bytes = async () => (await buildRpmdb([{ headerBytes: mainHeader(FILES) }], TIMES)).bytes;

  it("puts a copy at /usr/lib/sysimage/rpm with the /var/lib/rpm compat symlink", async () => {
    const root = tempDir("grove-rpmdb-root-");
    const source = path.join(tempDir("grove-rpmdb-src-"), "db.sqlite");
    writeFileSync(source, await bytes());
    const installed = await installRpmdb(root, source);
    expect(installed).toBe(path.join(root, "usr/lib/sysimage/rpm/rpmdb.sqlite"));
    const st = lstatSync(installed);
    expect(st.isFile()).toBe(true);
    expect(st.nlink).toBe(1);
    expect(st.ino).not.toBe(statSync(source).ino);
    expect(st.mode & 0o7777).toBe(0o644);
    expect(statSync(path.join(root, "usr/lib/sysimage/rpm")).mode & 0o7777).toBe(0o755);
    expect(readlinkSync(path.join(root, "var/lib/rpm"))).toBe("../../usr/lib/sysimage/rpm");
    expect(Buffer.compare(readFileSync(installed), readFileSync(source))).toBe(0);
  });

  it("replaces an empty directory or a stale symlink, removes stale -wal/-shm, refuses a populated directory", async () => {
    const root = tempDir("grove-rpmdb-root-");
    mkdirSync(path.join(root, "var/lib/rpm"), { recursive: true });
    mkdirSync(path.join(root, "usr/lib/sysimage/rpm"), { recursive: true });
    writeFileSync(path.join(root, "usr/lib/sysimage/rpm/rpmdb.sqlite-wal"), "stale");
    writeFileSync(path.join(root, "usr/lib/sysimage/rpm/rpmdb.sqlite-shm"), "stale");
    await installRpmdb(root, await bytes());
    expect(lstatSync(path.join(root, "var/lib/rpm")).isSymbolicLink()).toBe(true);
    expect(existsSync(path.join(root, "usr/lib/sysimage/rpm/rpmdb.sqlite-wal"))).toBe(false);
    expect(existsSync(path.join(root, "usr/lib/sysimage/rpm/rpmdb.sqlite-shm"))).toBe(false);

    rmSync(path.join(root, "var/lib/rpm"));
    symlinkSync("/usr/lib/sysimage/rpm", path.join(root, "var/lib/rpm"));
    await installRpmdb(root, await bytes());
    expect(readlinkSync(path.join(root, "var/lib/rpm"))).toBe("../../usr/lib/sysimage/rpm");

    const other = tempDir("grove-rpmdb-root-");
    mkdirSync(path.join(other, "var/lib/rpm"), { recursive: true });
    writeFileSync(path.join(other, "var/lib/rpm/Packages"), "old");
    expect(await codeOf(installRpmdb(other, await bytes()))).toBe("CHECKOUT_RPMDB_INSTALL_FAILED");
    expect(existsSync(path.join(other, "usr/lib/sysimage/rpm/rpmdb.sqlite"))).toBe(true);
    const plain = tempDir("grove-rpmdb-root-");
    await installRpmdb(plain, await bytes(), { legacyLink: false });
    expect(existsSync(path.join(plain, "var"))).toBe(false);
  });

  it("never follows a symlink out of the root", async () => {
    const root = tempDir("grove-rpmdb-root-");
    const outside = tempDir("grove-rpmdb-outside-");
    mkdirSync(path.join(root, "usr/lib"), { recursive: true });
    symlinkSync(outside, path.join(root, "usr/lib/sysimage"));
    expect(await codeOf(installRpmdb(root, await bytes()))).toBe("CHECKOUT_RPMDB_INSTALL_FAILED");
    expect(existsSync(path.join(outside, "rpm"))).toBe(false);
    expect(await codeOf(installRpmdb(tempDir("grove-rpmdb-root-"), "/nonexistent/db.sqlite"))).toBe(
      "CHECKOUT_RPMDB_INSTALL_FAILED",
    );
  });
});

describe.skipIf(!haveFixtures)("with the real fixtures", () => {
  it("reads the header objects importRpm stored back out of the store, byte for byte", async () => {
    const store = await initStore(tempDir("grove-rpmdb-store-"));
    const files = listFixtures().filter((f) => /hello-2\.0-1\.x86_64\.rpm$|sendmail|ruby-libs/.test(f));
    expect(files.length).toBe(3);
    const commits: string[] = [];
    for (const f of files) commits.push((await importRpm(store, f)).commitId);
    const read = await readRpmdbPackages(store, commits);
    for (const [i, f] of files.entries()) {
      const h = await readPackageHeaders(new ByteReader(readFileSync(f), f), { verify: false });
      expect(Buffer.compare(read[i]?.headerBytes ?? new Uint8Array(), h.headerBytes), f).toBe(0);
      expect(read[i]?.nevra).toBe(h.pkg.nevra);
      expect(read[i]?.sha256).toBe(createHash("sha256").update(readFileSync(f)).digest("hex"));
    }
    const key = rpmdbKey(read);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const { stats } = await buildRpmdb(read, TIMES);
    expect(stats.packages).toBe(3);
    const tree = await importEntries(store, [], { metadata: { kind: "tree" } });
    expect(await codeOf(readRpmdbPackages(store, [tree.commitId]))).toBe("CHECKOUT_RPMDB_NOT_RPM");
  });

  it("is fast: the fixture headers and the benchmark corpus", async () => {
    const timings: string[] = [];
    const sets: [string, string[]][] = [["fixtures", listFixtures()]];
    // The realistic corpus the benchmark builds (bench/make-corpus), when it has been built here.
    const bench = path.join(repoRoot, "bench/out");
    const corpus = existsSync(bench) ? listFixtures(bench) : [];
    const apache2 = corpus.filter((f) => f.startsWith(path.join(bench, "apache2/")));
    if (apache2.length > 0) sets.push(["bench apache2", apache2]);
    if (corpus.length > 0) sets.push(["bench corpus, every repository", corpus]);
    for (const [name, files] of sets) {
      const packages = [];
      for (const f of files) {
        try {
          const h = await readPackageHeaders(new ByteReader(readFileSync(f), f), { verify: false });
          buildInstalledHeader({ headerBytes: h.headerBytes, ...TIMES, subject: f });
          packages.push({ headerBytes: h.headerBytes, subject: f });
        } catch {
          // broken, v3 or source packages: not for an rpmdb
        }
      }
      const file = path.join(tempDir("grove-rpmdb-timing-"), "rpmdb.sqlite");
      const stats = await writeRpmdb(file, packages, TIMES);
      timings.push(
        `${name}: ${stats.packages} packages, ${stats.indexRows} index rows, ${(stats.bytes / 1e6).toFixed(1)} MB in ${stats.elapsedMs.toFixed(0)} ms`,
      );
      expect(stats.elapsedMs, name).toBeLessThan(20_000);
    }
    console.log(`rpmdb write timings:\n  ${timings.join("\n  ")}`);
  });
});
