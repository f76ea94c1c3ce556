/**
 * Escaping text for the XML files the corpus writes (comps, rpm-md metadata).
 * @packageDocumentation
 */

/** Characters XML 1.0 cannot carry (they are dropped). */
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Escape `&`, `<`, `>`, `"` and drop characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
