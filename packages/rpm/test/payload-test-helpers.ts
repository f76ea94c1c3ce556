/**
 * Test helpers for the payload tests: locating the shared fixtures, a cpio ("newc", "crc" and rpm's stripped
 * format) writer, synthetic packages whose header lists given files, and collecting a reader's entries.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isGroveError } from "@grove/core";
import { expect } from "vitest";
import { SigTag, Tag, TagType } from "../src/header/index.js";
import { openRpm, type PayloadEntry, type RpmReader } from "../src/read-rpm.js";
import { type BuildEntry, buildRpm, concat, packageEntries } from "./header-builder.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../..");

/** `shared/fixtures/real-rpms` beside the repository, or `undefined` (with CI set: an error) when missing. */
export function realRpmsDir(): string | undefined {
  const dir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");
  if (existsSync(dir)) return dir;
  if (process.env.CI) throw new Error(`shared fixtures missing at ${dir}: CI must provide ../shared beside the clone`);
  console.warn(`payload tests: ${dir} is missing, skipping the real-package tests`);
  return undefined;
}

const encoder = new TextEncoder();

function hex8(value: number): string {
  return value.toString(16).padStart(8, "0");
}

function padTo4(length: number): Uint8Array {
  return new Uint8Array((4 - (length % 4)) % 4);
}

/** One cpio member to write. */
export interface CpioMember {
  /** Member name (`./usr/bin/x`); ignored for stripped members. */
  name?: string;
  /** st_mode; default regular file 0644. */
  mode?: number;
  /** The data; default none. */
  data?: Uint8Array;
  /** Size to write in the header instead of the data length. */
  size?: number;
  inode?: number;
  nlink?: number;
  /** `newc` (default), `crc` (070702 with byte-sum) or `stripped` (07070X + file index). */
  format?: "newc" | "crc" | "stripped";
  /** File index for stripped members. */
  fileIndex?: number;
  /** Checksum to write for `crc` members instead of the right one. */
  checksum?: number;
}

/** Serializes a cpio archive the way rpm writes it (4-byte alignment, newc trailer). */
export function cpioArchive(members: CpioMember[], options: { trailer?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  const push = (bytes: Uint8Array): void => {
    parts.push(bytes);
    length += bytes.length;
  };
  const writeMember = (member: CpioMember): void => {
    const data = member.data ?? new Uint8Array(0);
    if (member.format === "stripped") {
      push(encoder.encode(`07070X${hex8(member.fileIndex ?? 0)}`));
    } else {
      const name = encoder.encode(`${member.name ?? ""}\0`);
      const checksum = member.checksum ?? (member.format === "crc" ? data.reduce((sum, b) => (sum + b) >>> 0, 0) : 0);
      const fields = [
        member.inode ?? 1,
        member.mode ?? 0o100644,
        0,
        0,
        member.nlink ?? 1,
        0,
        member.size ?? data.length,
        0,
        0,
        0,
        0,
        name.length,
        checksum,
      ];
      push(encoder.encode(`${member.format === "crc" ? "070702" : "070701"}${fields.map(hex8).join("")}`));
      push(name);
    }
    push(padTo4(length));
    push(data);
    push(padTo4(length));
  };
  for (const member of members) writeMember(member);
  if (options.trailer !== false) writeMember({ name: "TRAILER!!!", mode: 0, nlink: 1, inode: 0 });
  return concat(parts);
}

/** One file of a synthetic package's header. */
export interface HeaderFile {
  path: string;
  mode?: number;
  /** Content (regular files): sets the size and the sha256 digest. */
  content?: Uint8Array;
  /** Size to declare instead of the content length. */
  size?: number;
  /** Digest to declare instead of the content's sha256. */
  digest?: string;
  linkTo?: string;
  flags?: number;
  inode?: number;
  device?: number;
}

/** Options of {@link syntheticRpm}. */
export interface SyntheticOptions {
  /** The payload bytes as they go in the file (already compressed, if at all). */
  payload: Uint8Array;
  /** PAYLOADCOMPRESSOR; omitted when undefined. */
  compressor?: string;
  /** Declare LONGFILESIZES (rpm then writes stripped cpio members). */
  longSizes?: boolean;
  /** PAYLOADDIGEST (sha256 over the payload) to declare; `true` computes the right one. */
  payloadDigest?: string | true;
  /** SIGMD5 to declare (`true`: the right one). */
  legacyMd5?: boolean;
  /** PAYLOADSIZE (uncompressed) in the signature header. */
  payloadSize?: number;
  /** FILEDIGESTALGO; default 8 (sha256). */
  digestAlgo?: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A whole RPM file whose main header lists `files` and whose payload is `options.payload`. */
export function syntheticRpm(files: HeaderFile[], options: SyntheticOptions): Uint8Array {
  const dirs: string[] = [];
  const dirIndexes: number[] = [];
  const baseNames: string[] = [];
  for (const file of files) {
    const slash = file.path.lastIndexOf("/");
    const dir = file.path.slice(0, slash + 1);
    let index = dirs.indexOf(dir);
    if (index < 0) index = dirs.push(dir) - 1;
    dirIndexes.push(index);
    baseNames.push(file.path.slice(slash + 1));
  }
  const sizes = files.map(
    (f) => f.size ?? f.content?.length ?? (f.linkTo === undefined ? 0 : encoder.encode(f.linkTo).length),
  );
  const modes = files.map((f) => f.mode ?? 0o100644);
  const entries: BuildEntry[] = [
    options.longSizes
      ? { tag: Tag.LONGFILESIZES, type: TagType.INT64, value: sizes.map(BigInt) }
      : { tag: Tag.FILESIZES, type: TagType.INT32, value: sizes },
    { tag: Tag.FILEMODES, type: TagType.INT16, value: modes },
    {
      tag: Tag.FILEDIGESTS,
      type: TagType.STRING_ARRAY,
      value: files.map(
        (f, i) =>
          f.digest ?? (((modes[i] as number) & 0o170000) === 0o100000 ? sha256(f.content ?? new Uint8Array(0)) : ""),
      ),
    },
    { tag: Tag.FILELINKTOS, type: TagType.STRING_ARRAY, value: files.map((f) => f.linkTo ?? "") },
    { tag: Tag.FILEFLAGS, type: TagType.INT32, value: files.map((f) => f.flags ?? 0) },
    { tag: Tag.FILEUSERNAME, type: TagType.STRING_ARRAY, value: files.map(() => "root") },
    { tag: Tag.FILEGROUPNAME, type: TagType.STRING_ARRAY, value: files.map(() => "root") },
    { tag: Tag.FILEDEVICES, type: TagType.INT32, value: files.map((f) => f.device ?? 1) },
    { tag: Tag.FILEINODES, type: TagType.INT32, value: files.map((f, i) => f.inode ?? i + 1) },
    { tag: Tag.DIRINDEXES, type: TagType.INT32, value: dirIndexes },
    { tag: Tag.BASENAMES, type: TagType.STRING_ARRAY, value: baseNames },
    { tag: Tag.DIRNAMES, type: TagType.STRING_ARRAY, value: dirs },
    { tag: Tag.PAYLOADFORMAT, type: TagType.STRING, value: "cpio" },
    { tag: Tag.FILEDIGESTALGO, type: TagType.INT32, value: [options.digestAlgo ?? 8] },
  ];
  if (files.length === 0) entries.splice(0, entries.length - 2);
  if (options.compressor !== undefined) {
    entries.push({ tag: Tag.PAYLOADCOMPRESSOR, type: TagType.STRING, value: options.compressor });
  }
  if (options.payloadDigest !== undefined) {
    const digest = options.payloadDigest === true ? sha256(options.payload) : options.payloadDigest;
    entries.push({ tag: Tag.PAYLOADDIGEST, type: TagType.STRING_ARRAY, value: [digest] });
    entries.push({ tag: Tag.PAYLOADDIGESTALGO, type: TagType.INT32, value: [8] });
  }
  const signature: BuildEntry[] = [];
  if (options.payloadSize !== undefined) {
    signature.push({ tag: SigTag.PAYLOADSIZE, type: TagType.INT32, value: [options.payloadSize] });
  }
  const header = packageEntries(entries);
  if (options.legacyMd5) {
    const { headerBytes } = buildRpm({ header, signature, payload: options.payload });
    const md5 = createHash("md5").update(headerBytes).update(options.payload).digest();
    signature.push({ tag: SigTag.MD5, type: TagType.BIN, value: md5 });
  }
  return buildRpm({ header, signature, payload: options.payload }).file;
}

/** An entry with its content read (regular files). */
export interface CollectedEntry {
  entry: PayloadEntry;
  content?: Buffer;
}

/** Reads every entry, consuming each file's content. */
export async function collectEntries(rpm: RpmReader): Promise<CollectedEntry[]> {
  const out: CollectedEntry[] = [];
  for await (const entry of rpm.entries()) {
    if (entry.type === "file") {
      const chunks: Uint8Array[] = [];
      for await (const chunk of entry.content) chunks.push(chunk);
      out.push({ entry, content: Buffer.concat(chunks) });
    } else {
      out.push({ entry });
    }
  }
  return out;
}

/** Opens `bytes` and reads every entry (content included); resolves to the entries or rejects. */
export async function readAll(bytes: Uint8Array, options: { verify?: boolean } = {}): Promise<CollectedEntry[]> {
  return collectEntries(await openRpm(bytes, { subject: "synthetic.rpm", ...options }));
}

/** Expects `promise` to reject with a GroveError of `code`; returns the error. */
export async function expectGroveError(promise: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a GroveError ${code}`).toBeDefined();
  expect(isGroveError(caught), `not a GroveError: ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code, (caught as Error).message).toBe(code);
  return caught as Error;
}
