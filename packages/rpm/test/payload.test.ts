/**
 * The payload layer on real packages, against rpm's own tools as the oracle: every file grove streams has
 * the bytes `rpm2cpio X | cpio -idm` extracts (`rpm2archive` for rpm 6's stripped archives, which rpm2cpio
 * refuses), the digest the header gives, and hard links, symlinks and directories agree with the extracted tree.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decodeHeaderString } from "../src/header/index.js";
import { openRpm, readRpmFile } from "../src/read-rpm.js";
import { type CollectedEntry, collectEntries, realRpmsDir } from "./payload-test-helpers.js";

const fixtures = realRpmsDir();
const scratch = mkdtempSync(path.join(tmpdir(), "grove-payload-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Extracts a package with rpm's tools into a fresh directory and returns it. */
function extractWithRpmTools(rpmPath: string): string {
  const dir = mkdtempSync(path.join(scratch, "x-"));
  const quoted = `'${rpmPath.replaceAll("'", "'\\''")}'`;
  try {
    execFileSync("bash", ["-o", "pipefail", "-c", `rpm2cpio ${quoted} | cpio -idm --quiet --no-absolute-filenames`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
    });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? "");
    if (!stderr.includes("use rpm2archive")) throw err;
    // rpm 6 payloads (stripped cpio) are refused by rpm2cpio; rpm2archive writes them as tar.
    execFileSync("bash", ["-o", "pipefail", "-c", `rpm2archive -n < ${quoted} | tar -xf - -C .`], { cwd: dir });
  }
  return dir;
}

/** Every non-directory path (package-absolute) in an extracted tree, names decoded as rpm header strings. */
function extractedNonDirectories(root: Buffer, rel: Buffer = Buffer.alloc(0)): string[] {
  const out: string[] = [];
  for (const name of readdirSync(Buffer.concat([root, rel]), { encoding: "buffer" })) {
    const relPath = Buffer.concat([rel, Buffer.from("/"), name]);
    const stat = lstatSync(Buffer.concat([root, relPath]));
    if (stat.isDirectory()) out.push(...extractedNonDirectories(root, relPath));
    else out.push(decodeHeaderString(relPath));
  }
  return out;
}

/**
 * Where rpm's tools put a package path: the path's UTF-8 bytes, or, for names that are not UTF-8 in the package
 * (which the header reader shows as ISO-8859-1), its ISO-8859-1 bytes.
 */
function extractedPath(root: string, packagePath: string): Buffer {
  const rel = packagePath.startsWith("/") ? packagePath : `/${packagePath}`;
  const utf8 = Buffer.from(path.join(root, rel));
  if (existsSync(utf8)) return utf8;
  return Buffer.concat([Buffer.from(root), Buffer.from(rel, "latin1")]);
}

function hexDigest(algorithm: string, bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest("hex");
}

interface OracleCase {
  file: string;
  compressor: string;
  /** Number of hard-link sets expected (sets with more than one member). */
  linkSets?: number;
}

const CASES: OracleCase[] = [
  { file: "go-rpmutils/payload-test-0.1-w.ufdio.x86_64.rpm", compressor: "none" },
  { file: "go-rpmutils/payload-test-0.1-w9.gzdio.x86_64.rpm", compressor: "gzip" },
  { file: "go-rpmutils/payload-test-0.1-w9.bzdio.x86_64.rpm", compressor: "bzip2" },
  { file: "go-rpmutils/payload-test-0.1-w6.xzdio.x86_64.rpm", compressor: "xz" },
  { file: "go-rpmutils/payload-test-0.1-w6.lzdio.x86_64.rpm", compressor: "lzma" },
  { file: "go-rpmutils/payload-test-0.1-w3.zstdio.x86_64.rpm", compressor: "zstd" },
  { file: "go-rpmutils/crypto-policies-20210617-1.gitc776d3e.el8.noarch.rpm", compressor: "xz", linkSets: 44 },
  { file: "rpm/RPMS/hlinktest-1.0-1.noarch.rpm", compressor: "none", linkSets: 2 },
  { file: "rpm/RPMS/hlinktest-1.0-1.noarch-v3sig.rpm", compressor: "zstd", linkSets: 1 },
  { file: "rpm-rs/RPMS/v6/rpm-hardlinks-1.0-1.noarch.rpm", compressor: "none", linkSets: 2 },
  { file: "rpmlint/binutils-devel-2.32-351.1.x86_64.rpm", compressor: "xz" },
  { file: "createrepo_c/rhel/Cython-0.17.1-2.el7.src.rpm", compressor: "gzip" },
  { file: "rpmlint/non-utf8-1.0-1.el5.centos.x86_64.rpm", compressor: "gzip" },
];

describe.skipIf(fixtures === undefined)("payload of real packages against rpm2cpio | cpio -idm", () => {
  for (const testCase of CASES) {
    it(testCase.file, async () => {
      const rpmPath = path.join(fixtures as string, testCase.file);
      const oracle = extractWithRpmTools(rpmPath);
      const rpm = await openRpm(createReadStream(rpmPath, { highWaterMark: 64 << 10 }), { subject: rpmPath });
      const entries = await collectEntries(rpm);
      expect(rpm.stats.compressor).toBe(testCase.compressor);

      const { pkg } = rpm;
      const byPath = new Map<string, CollectedEntry>();
      for (const item of entries) {
        expect(byPath.has(item.entry.file.path), `${item.entry.file.path} emitted twice`).toBe(false);
        byPath.set(item.entry.file.path, item);
      }
      const onDisk = (p: string): Buffer => extractedPath(oracle, p);

      const targets = new Set<string>();
      for (const { entry, content } of entries) {
        const file = entry.file;
        const extracted = onDisk(file.path);
        const stat = lstatSync(extracted);
        switch (entry.type) {
          case "file": {
            const expected = readFileSync(extracted);
            expect(content?.equals(expected), `${file.path}: bytes differ from rpm2cpio's`).toBe(true);
            if (file.digest !== "") {
              expect(hexDigest(pkg.fileDigestAlgorithm, content as Buffer), `${file.path} digest`).toBe(file.digest);
            }
            break;
          }
          case "hardlink": {
            const target = byPath.get(entry.target);
            expect(target?.entry.type, `${file.path} links to ${entry.target}, emitted before as a file`).toBe("file");
            expect(entries.indexOf(target as CollectedEntry)).toBeLessThan(entries.findIndex((e) => e.entry === entry));
            expect(target?.entry.file.inode).toBe(file.inode);
            expect(target?.entry.file.device).toBe(file.device);
            // cpio -idm made them one inode as well.
            expect(stat.ino).toBe(lstatSync(onDisk(entry.target)).ino);
            expect(readFileSync(extracted).equals(target?.content as Buffer)).toBe(true);
            targets.add(entry.target);
            break;
          }
          case "symlink":
            expect(stat.isSymbolicLink()).toBe(true);
            expect(readlinkSync(extracted)).toBe(file.linkTo);
            break;
          case "directory":
            expect(stat.isDirectory()).toBe(true);
            break;
          default:
            throw new Error(`unexpected ${entry.type} entry ${file.path} in ${testCase.file}`);
        }
      }
      if (testCase.linkSets !== undefined) expect(targets.size).toBe(testCase.linkSets);

      // Nothing the oracle extracted is missing from grove's entries (directories cpio created on the way excepted).
      const relative = pkg.files.every((f) => !f.path.startsWith("/"));
      for (const p of extractedNonDirectories(Buffer.from(oracle))) {
        const key = relative ? p.slice(1) : p;
        expect(byPath.has(key), `${p} extracted by rpm2cpio but not emitted by grove`).toBe(true);
      }
      // Every non-%ghost header file was emitted.
      for (const f of pkg.files) {
        if ((f.flags & 64) === 0) expect(byPath.has(f.path), `${f.path} not emitted`).toBe(true);
      }
    });
  }

  it("readRpmFile reports compressor, sizes and entry count, skipping content but verifying it", async () => {
    const rpmPath = path.join(fixtures as string, "go-rpmutils/crypto-policies-20210617-1.gitc776d3e.el8.noarch.rpm");
    const result = await readRpmFile(rpmPath);
    expect(result.payloadCompressor).toBe("xz");
    expect(result.fileCount).toBe(result.pkg.files.filter((f) => (f.flags & 64) === 0).length);
    expect(result.payloadBytes).toBe(result.headers.payloadSize);
    const { size } = lstatSync(rpmPath);
    expect(result.compressedBytes).toBeGreaterThan(0);
    expect(result.compressedBytes).toBeLessThan(size);
    const cpio = execFileSync("rpm2cpio", [rpmPath], { maxBuffer: 64 << 20 });
    expect(result.payloadBytes).toBe(cpio.length);
  });
});
