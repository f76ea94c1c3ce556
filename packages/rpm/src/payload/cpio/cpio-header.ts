import { GroveError } from "@grove/core";
import type { ByteReader } from "../../io/byte-reader.js";

/** rpm's limit on a cpio member name, NUL included (CPIO_NAMESIZE_MAX). */
export const CPIO_MAX_NAME_SIZE = 4096;

/** Name of the member that ends a cpio archive. */
export const CPIO_TRAILER_NAME = "TRAILER!!!";

const MAGIC_LENGTH = 6;
const FIELD_COUNT = 13;
const FIELD_LENGTH = 8;
/** Stripped-member file index that rpm reads as "end of archive". */
const STRIPPED_END_INDEX = 0xffffffff;

/** A "newc" (`070701`) or "crc" (`070702`) member header. */
export interface CpioNamedHeader {
  /** `newc` or `crc` (the latter carries a byte-sum checksum of the data). */
  format: "newc" | "crc";
  /** Member name bytes, without the terminating NUL. */
  name: Uint8Array;
  /** st_mode as stored. */
  mode: number;
  /** Inode number as stored. */
  inode: number;
  /** Link count as stored. */
  nlink: number;
  /** Size of the data following the header. */
  fileSize: number;
  /** `crc` format: sum of all data bytes modulo 2^32; 0 for `newc`. */
  checksum: number;
  /** Byte offset of the header in the archive, for messages. */
  offset: number;
}

/** rpm's stripped member (`07070X`): only an index into the header's file list; sizes come from the header. */
export interface CpioStrippedHeader {
  /** `stripped`. */
  format: "stripped";
  /** Index of the file in the header's file list. */
  fileIndex: number;
  /** Byte offset of the header in the archive, for messages. */
  offset: number;
}

/** One member header, or the end of the archive. */
export type CpioHeader = CpioNamedHeader | CpioStrippedHeader | { format: "trailer"; offset: number };

/** Every magic number starts with "07070"; the sixth byte tells the format. */
const MAGIC_PREFIX = [0x30, 0x37, 0x30, 0x37, 0x30];
const FORMAT_BY_LAST_BYTE: Readonly<Record<number, "newc" | "crc" | "stripped">> = {
  49: "newc", // 070701
  50: "crc", // 070702
  88: "stripped", // 07070X
};
const TRAILER_BYTES = new TextEncoder().encode(CPIO_TRAILER_NAME);

function formatOf(magic: Uint8Array): "newc" | "crc" | "stripped" | undefined {
  for (let i = 0; i < MAGIC_PREFIX.length; i++) if (magic[i] !== MAGIC_PREFIX[i]) return undefined;
  return FORMAT_BY_LAST_BYTE[magic[5] as number];
}

function isTrailerName(name: Uint8Array): boolean {
  return name.length === TRAILER_BYTES.length && name.every((byte, i) => byte === TRAILER_BYTES[i]);
}

/** The value of an 8-digit hexadecimal header field; `-1` when a character is not a hex digit. */
function hexField(bytes: Uint8Array, start: number): number {
  let value = 0;
  for (let i = start; i < start + FIELD_LENGTH; i++) {
    const c = bytes[i] as number;
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

function corrupt(subject: string, offset: number, what: string): GroveError {
  return new GroveError(
    "RPM_PAYLOAD_CORRUPT",
    `${subject}: bad cpio member header at payload offset ${offset}: ${what}`,
    {
      subject,
    },
  );
}

/** Skips the zero padding that aligns cpio headers and data to 4 bytes (counted from the archive start). */
export async function skipCpioPadding(reader: ByteReader): Promise<void> {
  const padding = (4 - (reader.position % 4)) % 4;
  if (padding > 0) await reader.skip(padding, "cpio padding");
}

/**
 * Reads the next cpio member header (after aligning to 4 bytes), including its name and the padding
 * after it, leaving the reader at the member's data.
 * @throws GroveError `RPM_PAYLOAD_CORRUPT` for a bad magic number, field or name, `RPM_TRUNCATED` at end of data
 */
export async function readCpioHeader(reader: ByteReader): Promise<CpioHeader> {
  const subject = reader.subject;
  await skipCpioPadding(reader);
  const offset = reader.position;
  const magic = await reader.read(MAGIC_LENGTH, "a cpio member header");
  const format = formatOf(magic);
  if (format === "stripped") {
    const fields = await reader.read(FIELD_LENGTH, "a cpio member header");
    const fileIndex = hexField(fields, 0);
    if (fileIndex < 0) throw corrupt(subject, offset, "the file index is not hexadecimal");
    await skipCpioPadding(reader);
    if (fileIndex === STRIPPED_END_INDEX) return { format: "trailer", offset };
    return { format: "stripped", fileIndex, offset };
  }
  if (format === undefined) {
    const shown = JSON.stringify(String.fromCharCode(...magic));
    throw corrupt(subject, offset, `unknown magic ${shown} (expected 070701, 070702 or 07070X)`);
  }
  const fields = await reader.read(FIELD_COUNT * FIELD_LENGTH, "a cpio member header");
  const values: number[] = [];
  for (let i = 0; i < FIELD_COUNT; i++) {
    const value = hexField(fields, i * FIELD_LENGTH);
    if (value < 0) throw corrupt(subject, offset, `field ${i} is not hexadecimal`);
    values.push(value);
  }
  const [inode, mode, , , nlink, , fileSize, , , , , nameSize, checksum] = values as number[];
  if (nameSize === undefined || nameSize < 1 || nameSize > CPIO_MAX_NAME_SIZE) {
    throw corrupt(subject, offset, `name size ${nameSize} is outside 1..${CPIO_MAX_NAME_SIZE}`);
  }
  const nameWithNul = await reader.read(nameSize, "a cpio member name");
  const nul = nameWithNul.indexOf(0);
  if (nul !== nameSize - 1) throw corrupt(subject, offset, "the name is not a single NUL-terminated string");
  const name = nameWithNul.slice(0, nameSize - 1);
  await skipCpioPadding(reader);
  if (isTrailerName(name)) return { format: "trailer", offset };
  return {
    format,
    name,
    mode: mode as number,
    inode: inode as number,
    nlink: nlink as number,
    fileSize: fileSize as number,
    checksum: format === "crc" ? (checksum as number) : 0,
    offset,
  };
}
