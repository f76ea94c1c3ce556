/**
 * A streaming reader for the tar archives inside .deb files (ustar, GNU long names, pax extended headers).
 * Memory stays bounded by the chunk size: file contents are handed out as they arrive.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";

/** What kind of object a tar entry describes. */
export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

/** One archive member's metadata. */
export interface TarEntry {
  /** Path as stored, e.g. `./usr/bin/bash` or `./usr/share/doc/` (see `normalizeMemberPath`). */
  path: string;
  /** Kind of object. */
  type: TarEntryType;
  /** The raw type flag character (`0`, `5`, `2`, `1`, ...). */
  typeflag: string;
  /** Permission bits including setuid/setgid/sticky (`mode & 0o7777`). */
  mode: number;
  /** Numeric owner. */
  uid: number;
  /** Numeric group. */
  gid: number;
  /** Owner name (`""` when the archive has none). */
  uname: string;
  /** Group name (`""` when the archive has none). */
  gname: string;
  /** Content size in bytes (regular files only; 0 otherwise). */
  size: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  /** Symlink target, or for hard links the path of the member it links to; `""` otherwise. */
  linkTarget: string;
}

/** A member and its content (drain `content` before asking for the next member, or it is skipped). */
export interface TarMember {
  /** The member's metadata. */
  entry: TarEntry;
  /** The member's bytes (empty for anything but regular files). */
  content: AsyncIterable<Uint8Array>;
}

const BLOCK = 512;

/** Pulls exact byte counts out of a chunked stream. */
class ChunkReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private buffer: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private ended = false;

  constructor(input: AsyncIterable<Uint8Array>) {
    this.iterator = input[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done === true) {
      this.ended = true;
      return false;
    }
    const rest = this.buffer.subarray(this.offset);
    const merged = new Uint8Array(rest.length + next.value.length);
    merged.set(rest, 0);
    merged.set(next.value, rest.length);
    this.buffer = merged;
    this.offset = 0;
    return true;
  }

  /** Exactly `n` bytes, or fewer only at the end of input. */
  async read(n: number): Promise<Uint8Array> {
    while (this.buffer.length - this.offset < n) {
      if (!(await this.fill())) break;
    }
    const end = Math.min(this.buffer.length, this.offset + n);
    const out = this.buffer.slice(this.offset, end);
    this.offset = end;
    return out;
  }

  /** Read and discard everything left (the zero padding after the end-of-archive marker). */
  async drain(): Promise<void> {
    this.buffer = new Uint8Array(0);
    this.offset = 0;
    while (await this.fill()) {
      this.buffer = new Uint8Array(0);
      this.offset = 0;
    }
  }

  /** Up to `n` bytes as they are available (at least one unless at the end of input). */
  async readSome(n: number): Promise<Uint8Array> {
    if (this.offset >= this.buffer.length && !(await this.fill())) return new Uint8Array(0);
    const end = Math.min(this.buffer.length, this.offset + n);
    const out = this.buffer.subarray(this.offset, end);
    this.offset = end;
    return out;
  }
}

const textDecoder = new TextDecoder("utf-8", { fatal: false });

/** A NUL-terminated string field. */
function field(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const nul = bytes.indexOf(0);
  return textDecoder.decode(nul === -1 ? bytes : bytes.subarray(0, nul));
}

/** An octal (or GNU base-256) numeric field. */
function numeric(block: Uint8Array, start: number, length: number, subject: string): number {
  const first = block[start] ?? 0;
  if ((first & 0x80) !== 0) {
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[start + i] ?? 0);
    return value;
  }
  const text = field(block, start, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new GroveError("CORPUS_BAD_TAR", `${subject}: tar header has a non-octal number "${text}"`, { subject });
  }
  return Number.parseInt(text, 8);
}

/** Verify the header checksum (sum of all bytes with the checksum field counted as spaces). */
function checksumOk(block: Uint8Array, subject: string): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === numeric(block, 148, 8, subject);
}

/** Parse pax `length key=value\n` records. */
function parsePax(data: Uint8Array, subject: string): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    let space = pos;
    while (space < data.length && data[space] !== 0x20) space++;
    const length = Number.parseInt(textDecoder.decode(data.subarray(pos, space)), 10);
    if (!Number.isFinite(length) || length <= 0 || pos + length > data.length) {
      throw new GroveError("CORPUS_BAD_TAR", `${subject}: malformed pax extended header`, { subject });
    }
    const record = textDecoder.decode(data.subarray(space + 1, pos + length - 1));
    const eq = record.indexOf("=");
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += length;
  }
  return out;
}

function entryType(typeflag: string): TarEntryType {
  switch (typeflag) {
    case "0":
    case "\0":
    case "":
    case "7":
      return "file";
    case "5":
      return "directory";
    case "2":
      return "symlink";
    case "1":
      return "hardlink";
    default:
      return "other";
  }
}

/** Overrides collected from GNU `L`/`K` and pax `x` members, applied to the next real member. */
interface PendingOverrides {
  path?: string;
  linkTarget?: string;
  pax?: Map<string, string>;
}

/** Read a whole small member (long names, pax records), bounded to 1 MiB. */
async function readSmallMember(reader: ChunkReader, size: number, subject: string): Promise<Uint8Array> {
  if (size > 1024 * 1024) {
    throw new GroveError("CORPUS_BAD_TAR", `${subject}: extended header of ${size} bytes is implausibly large`, {
      subject,
    });
  }
  const data = await reader.read(size);
  if (data.length < size) throw new GroveError("CORPUS_BAD_TAR", `${subject}: archive ends inside a header`);
  await reader.read((BLOCK - (size % BLOCK)) % BLOCK);
  return data;
}

/**
 * Iterate the members of a tar stream. The input is read to its end, including the padding after the
 * end-of-archive marker, so a producing process can finish writing and exit.
 *
 * @param input - the uncompressed tar bytes
 * @param subject - archive name for messages
 * @throws GroveError `CORPUS_BAD_TAR` on a truncated archive, a bad checksum or a malformed header.
 */
export async function* readTar(input: AsyncIterable<Uint8Array>, subject: string): AsyncGenerator<TarMember> {
  const reader = new ChunkReader(input);
  let pending: PendingOverrides = {};
  for (;;) {
    const block = await reader.read(BLOCK);
    if (block.length === 0) return;
    if (block.length < BLOCK) throw new GroveError("CORPUS_BAD_TAR", `${subject}: archive ends inside a header`);
    if (block.every((b) => b === 0)) {
      await reader.drain();
      return;
    }
    if (!checksumOk(block, subject)) {
      throw new GroveError("CORPUS_BAD_TAR", `${subject}: tar header checksum mismatch`, { subject });
    }
    const typeflag = field(block, 156, 1);
    let size = numeric(block, 124, 12, subject);
    if (typeflag === "L" || typeflag === "K") {
      const name = field(await readSmallMember(reader, size, subject), 0, size);
      pending = typeflag === "L" ? { ...pending, path: name } : { ...pending, linkTarget: name };
      continue;
    }
    if (typeflag === "x" || typeflag === "g") {
      const records = parsePax(await readSmallMember(reader, size, subject), subject);
      if (typeflag === "x") pending = { ...pending, pax: records };
      continue;
    }
    const magic = field(block, 257, 6);
    const prefix = magic.startsWith("ustar") && magic !== "ustar " ? field(block, 345, 155) : "";
    const baseName = field(block, 0, 100);
    const pax = pending.pax;
    const paxSize = pax?.get("size");
    if (paxSize !== undefined) size = Number(paxSize);
    const type = entryType(typeflag);
    const entry: TarEntry = {
      path: pax?.get("path") ?? pending.path ?? (prefix === "" ? baseName : `${prefix}/${baseName}`),
      type,
      typeflag,
      mode: numeric(block, 100, 8, subject) & 0o7777,
      uid: pax?.has("uid") ? Number(pax.get("uid")) : numeric(block, 108, 8, subject),
      gid: pax?.has("gid") ? Number(pax.get("gid")) : numeric(block, 116, 8, subject),
      uname: pax?.get("uname") ?? field(block, 265, 32),
      gname: pax?.get("gname") ?? field(block, 297, 32),
      size: type === "file" ? size : 0,
      mtime: pax?.has("mtime") ? Math.floor(Number(pax.get("mtime"))) : numeric(block, 136, 12, subject),
      linkTarget: pax?.get("linkpath") ?? pending.linkTarget ?? field(block, 157, 100),
    };
    pending = {};
    let remaining = type === "file" || type === "other" ? size : 0;
    const content: AsyncIterable<Uint8Array> = {
      async *[Symbol.asyncIterator]() {
        while (remaining > 0) {
          const piece = await reader.readSome(Math.min(remaining, 1024 * 1024));
          if (piece.length === 0) {
            throw new GroveError("CORPUS_BAD_TAR", `${subject}: archive ends inside ${entry.path}`, { subject });
          }
          remaining -= piece.length;
          yield piece;
        }
      },
    };
    yield { entry, content };
    for await (const _ of content) {
      // skip whatever the consumer did not read
    }
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === "file" || type === "other") await reader.read(padding);
  }
}
