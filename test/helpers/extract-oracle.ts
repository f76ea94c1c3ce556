/**
 * The extraction oracle: `rpm2cpio FILE | cpio -idm --no-absolute-filenames` into a directory, and a snapshot of
 * what landed there (sha256 of regular files, symlink targets, modes, inodes).
 *
 * rpm 4.18's rpm2cpio refuses packages whose header has 64-bit file sizes (every RPM v6 package: "files over 4GB
 * not supported by cpio, use rpm2archive instead"); for those the payload is extracted with
 * `rpm2archive -n - < FILE | tar -x` instead, as rpm itself suggests.
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { decodeBytes } from "./decode-bytes.js";

/** One entry of an extracted tree. */
export interface ExtractedEntry {
  /** What it is on disk. */
  type: "file" | "directory" | "symlink" | "other";
  /** st_mode as on disk. */
  mode: number;
  /** Size in bytes. */
  size: number;
  /** Hex sha256 of the content (regular files), `""` otherwise. */
  sha256: string;
  /** Symlink target, `""` otherwise. */
  linkTo: string;
  /** Inode number on disk (files extracted as hard links share it). */
  inode: number;
}

/** How a payload was extracted, and anything the tools complained about without failing. */
export interface ExtractionReport {
  /** The pipeline used. */
  tool: "rpm2cpio | cpio" | "rpm2archive | tar";
  /** Tool complaints that did not stop extraction (e.g. rpm2cpio's exit 1 on an ARCHIVESIZE mismatch). */
  notes: string[];
}

const RPM2CPIO_SAYS_USE_RPM2ARCHIVE = /use rpm2archive/;

function run(cmd: string, args: string[], input: Uint8Array | undefined, cwd?: string) {
  const result = spawnSync(cmd, args, { input, cwd, maxBuffer: 1024 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: String(result.stderr).trim() };
}

/**
 * Extract a package's payload into `dir` (which must exist and be empty).
 *
 * rpm2cpio 4.18 exits 1 with no message when the bytes it copied differ from the header's ARCHIVESIZE (some
 * builders store the size without the cpio trailer, nfpm stores nonsense). That is recorded as a note, not an
 * error: cpio itself fails on an archive that is really cut short.
 */
export function extractPayload(file: string, dir: string): ExtractionReport {
  const notes: string[] = [];
  const cpioArchive = run("rpm2cpio", [file], undefined);
  if (cpioArchive.status !== 0 && RPM2CPIO_SAYS_USE_RPM2ARCHIVE.test(cpioArchive.stderr)) {
    const tarArchive = run("rpm2archive", ["-n", "-"], readFileSync(file));
    if (tarArchive.status !== 0) {
      throw new Error(`rpm2archive failed (exit ${tarArchive.status}) for ${file}: ${tarArchive.stderr}`);
    }
    const tar = run("tar", ["-x", "-p", "-f", "-"], tarArchive.stdout, dir);
    if (tar.status !== 0) throw new Error(`tar failed (exit ${tar.status}) for ${file}: ${tar.stderr}`);
    return { tool: "rpm2archive | tar", notes: [`rpm2cpio: ${cpioArchive.stderr}`] };
  }
  if (cpioArchive.status !== 0) {
    if (cpioArchive.stderr !== "") {
      throw new Error(`rpm2cpio failed (exit ${cpioArchive.status}) for ${file}: ${cpioArchive.stderr}`);
    }
    notes.push(`rpm2cpio exited ${cpioArchive.status} without a message (payload size differs from ARCHIVESIZE)`);
  }
  const cpio = run("cpio", ["-idm", "--quiet", "--no-absolute-filenames"], cpioArchive.stdout, dir);
  if (cpio.status !== 0) throw new Error(`cpio failed (exit ${cpio.status}) for ${file}: ${cpio.stderr}`);
  if (cpio.stderr !== "") notes.push(`cpio: ${cpio.stderr}`);
  return { tool: "rpm2cpio | cpio", notes };
}

/** sha256 of a byte string, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Walk an extracted tree. Keys are package paths (`/usr/bin/x`), the root itself excluded; file names are read as
 * bytes and decoded like rpm's output is ({@link decodeBytes}), so non-UTF-8 names still match.
 */
export function snapshotTree(dir: string): Map<string, ExtractedEntry> {
  const out = new Map<string, ExtractedEntry>();
  const walk = (full: Buffer, key: string): void => {
    for (const name of readdirSync(full, { encoding: "buffer" })) {
      const child = Buffer.concat([full, Buffer.from("/"), name]);
      const childKey = `${key}/${decodeBytes(name)}`;
      const st = lstatSync(child);
      const base = { mode: st.mode, size: st.size, sha256: "", linkTo: "", inode: st.ino };
      if (st.isDirectory()) {
        out.set(childKey, { ...base, type: "directory" });
        walk(child, childKey);
      } else if (st.isSymbolicLink()) {
        out.set(childKey, {
          ...base,
          type: "symlink",
          linkTo: decodeBytes(readlinkSync(child, { encoding: "buffer" })),
        });
      } else if (st.isFile()) {
        out.set(childKey, { ...base, type: "file", sha256: sha256Hex(readFileSync(child)) });
      } else {
        out.set(childKey, { ...base, type: "other" });
      }
    }
  };
  walk(Buffer.from(path.resolve(dir)), "");
  return out;
}
