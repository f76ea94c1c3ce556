import { Buffer } from "node:buffer";

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes the bytes of one header string the way a UTF-8 terminal shows what `rpm -q` prints:
 * as UTF-8 when the bytes are valid UTF-8, otherwise as ISO-8859-1 (each byte one code point),
 * which is what old packages built in Latin-1 locales contain. Never throws.
 */
export function decodeHeaderString(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (ascii) return buffer.toString("latin1");
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return buffer.toString("latin1");
  }
}
