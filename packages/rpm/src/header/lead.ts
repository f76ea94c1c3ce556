import type { RpmLead } from "../types.js";
import { decodeHeaderString } from "./decode-string.js";
import { badMagic } from "./header-errors.js";

/** Size of the lead in bytes. */
export const LEAD_SIZE = 96;

/** The four bytes every RPM file starts with. */
export const LEAD_MAGIC: readonly number[] = [0xed, 0xab, 0xee, 0xdb];

/**
 * Parses the 96-byte lead. Like rpm, only the magic is checked: the rest is legacy information
 * that rpm ignores (the signature header and the main header are what count).
 * @throws GroveError `RPM_BAD_MAGIC` when the file is not an RPM package
 */
export function parseLead(bytes: Uint8Array, subject: string): RpmLead {
  if (bytes.length < LEAD_SIZE || LEAD_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw badMagic(subject, "not an RPM package (bad lead magic, expected ed ab ee db)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, LEAD_SIZE);
  const nameField = bytes.subarray(10, 76);
  const nul = nameField.indexOf(0);
  return {
    major: view.getUint8(4),
    minor: view.getUint8(5),
    type: view.getUint16(6),
    archnum: view.getUint16(8),
    name: decodeHeaderString(nul < 0 ? nameField : nameField.subarray(0, nul)),
    osnum: view.getUint16(76),
    signatureType: view.getUint16(78),
  };
}
