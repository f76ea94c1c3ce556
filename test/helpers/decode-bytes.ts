/**
 * How the oracles turn raw bytes (rpm's output fields, file names on disk) into strings: UTF-8 when the bytes are
 * valid UTF-8, otherwise ISO-8859-1 (one code point per byte), the rule grove applies to header strings. Applying
 * the same lossless rule to rpm's bytes means equal strings imply equal bytes.
 * @packageDocumentation
 */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decode bytes: UTF-8 if valid, else Latin-1. */
export function decodeBytes(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  }
}

/** Re-decode a string that holds raw bytes as Latin-1 code points (see {@link decodeBytes}). */
export function decodeLatin1Bytes(raw: string): string {
  return decodeBytes(Buffer.from(raw, "latin1"));
}
