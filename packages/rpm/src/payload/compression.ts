import { GroveError } from "@grove/core";

/** The payload compressions grove can read. `"none"` is a raw cpio archive. */
export type PayloadCompressor = "none" | "gzip" | "bzip2" | "xz" | "lzma" | "zstd";

/** How many leading payload bytes {@link detectCompressor} looks at. */
export const COMPRESSION_MAGIC_BYTES = 6;

const GZIP = [0x1f, 0x8b];
const BZIP2 = [0x42, 0x5a, 0x68]; // "BZh"
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const CPIO = [0x30, 0x37, 0x30, 0x37, 0x30]; // "07070"

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((byte, i) => bytes[i] === byte);
}

/**
 * True when the bytes can start an LZMA-alone (`.lzma`) stream: a properties byte (lc/lp/pb) below 225
 * and a dictionary size of at least 4 KiB. The format has no magic number, so this is only a plausibility test.
 */
function looksLikeLzmaAlone(bytes: Uint8Array): boolean {
  if (bytes.length < 5) return false;
  const properties = bytes[0] as number;
  const dictionary = (bytes[1] as number) | ((bytes[2] as number) << 8) | ((bytes[3] as number) << 16);
  const dictionaryHigh = bytes[4] as number;
  return properties < 225 && (dictionaryHigh > 0 || dictionary >= 4096);
}

/** The compressor name as the PAYLOADCOMPRESSOR tag spells it, normalised (`""` and absent mean none). */
function declaredCompressor(name: string): PayloadCompressor | "unknown" {
  switch (name) {
    case "":
    case "none":
    case "identity":
      return "none";
    case "gzip":
    case "bzip2":
    case "xz":
    case "lzma":
    case "zstd":
      return name;
    default:
      return "unknown";
  }
}

/**
 * Decides how a payload is compressed from its first bytes, trusting the magic numbers over the header's
 * PAYLOADCOMPRESSOR (old packages carry no tag although the payload is gzip). LZMA-alone has no magic number,
 * so it is accepted only when the header says `lzma` (or the bytes start like `xz -F lzma` writes them).
 * @param head - the first bytes of the payload (at least {@link COMPRESSION_MAGIC_BYTES} unless it is shorter)
 * @param declared - the header's PAYLOADCOMPRESSOR value (`gzip` when absent, as rpm reads it; the magic bytes decide)
 * @param subject - file name for messages
 * @throws GroveError `RPM_PAYLOAD_UNKNOWN_COMPRESSION` when no supported format matches
 */
export function detectCompressor(head: Uint8Array, declared: string, subject: string): PayloadCompressor {
  if (startsWith(head, XZ)) return "xz";
  if (startsWith(head, ZSTD)) return "zstd";
  if (startsWith(head, GZIP)) return "gzip";
  if (startsWith(head, BZIP2)) return "bzip2";
  if (startsWith(head, CPIO)) return "none";
  const declaredKind = declaredCompressor(declared);
  if (looksLikeLzmaAlone(head) && (declaredKind === "lzma" || startsWith(head, [0x5d, 0x00, 0x00]))) return "lzma";
  const shown = Array.from(head.subarray(0, COMPRESSION_MAGIC_BYTES), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new GroveError(
    "RPM_PAYLOAD_UNKNOWN_COMPRESSION",
    `${subject}: the payload starts with bytes [${shown}], which match no supported compression ` +
      `(the header says ${declared === "" ? "nothing" : `"${declared}"`})`,
    { subject, hint: "grove reads cpio payloads compressed with gzip, bzip2, xz, lzma or zstd, or uncompressed." },
  );
}
