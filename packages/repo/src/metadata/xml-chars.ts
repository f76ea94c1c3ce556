/** Byte values the XML tokenizer looks for. */
export const LT = 0x3c; // <
/** `>` */
export const GT = 0x3e;
/** `/` */
export const SLASH = 0x2f;
/** `!` */
export const BANG = 0x21;
/** `?` */
export const QUESTION = 0x3f;
/** `&` */
export const AMP = 0x26;
/** `=` */
export const EQUALS = 0x3d;
/** `"` */
export const DQUOTE = 0x22;
/** `'` */
export const SQUOTE = 0x27;
/** `;` */
export const SEMICOLON = 0x3b;
/** Carriage return. */
export const CR = 0x0d;

/** Bit in {@link CHAR_CLASS}: may start a name. */
export const NAME_START = 1;
/** Bit in {@link CHAR_CLASS}: may continue a name. */
export const NAME_CHAR = 2;
/** Bit in {@link CHAR_CLASS}: XML white space. */
export const SPACE = 4;

/**
 * The class of each byte value: names are ASCII letters, `_`, `:` (then also digits, `.`, `-`), or any
 * non-ASCII byte (the UTF-8 of a non-ASCII name character; a superset of XML's rules, decoded as UTF-8).
 */
export const CHAR_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(256);
  const set = (from: number, to: number, bits: number): void => {
    for (let b = from; b <= to; b++) table[b] = (table[b] as number) | bits;
  };
  set(0x41, 0x5a, NAME_START | NAME_CHAR);
  set(0x61, 0x7a, NAME_START | NAME_CHAR);
  set(0x5f, 0x5f, NAME_START | NAME_CHAR);
  set(0x3a, 0x3a, NAME_START | NAME_CHAR);
  set(0x80, 0xff, NAME_START | NAME_CHAR);
  set(0x30, 0x39, NAME_CHAR);
  set(0x2d, 0x2e, NAME_CHAR);
  for (const b of [0x20, 0x09, 0x0a, 0x0d]) table[b] = SPACE;
  return table;
})();

/** Node's direct slice decoders (what `Buffer#toString` dispatches to), skipping its argument checks. */
export interface SliceDecoders {
  /** Bytes as Latin-1 (for ASCII data, the same text as UTF-8, faster). */
  latin1Slice(start: number, end: number): string;
  /** Bytes as UTF-8, invalid sequences replaced by U+FFFD. */
  utf8Slice(start: number, end: number): string;
}

/** A Buffer with its slice decoders typed. */
export type Bytes = Buffer & SliceDecoders;

/** `bytes` as a {@link Bytes} view (no copy). */
export function asBytes(bytes: Uint8Array): Bytes {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as Bytes;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * The character an entity reference stands for: one of the five predefined entities or a decimal
 * (`#123`) or hexadecimal (`#x7b`) character reference naming a character XML allows.
 *
 * @param body - the text between `&` and `;`
 * @returns the character, or `undefined` when the reference is not one XML defines without a DTD
 */
export function entityValue(body: string): string | undefined {
  if (body.charCodeAt(0) !== 0x23) return PREDEFINED[body];
  const hex = body.charCodeAt(1) === 0x78;
  const digits = body.slice(hex ? 2 : 1);
  if (digits === "" || digits.length > 8 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : undefined;
}

/** Longest entity reference body accepted (`#x10FFFF` and zero padding fit). */
export const MAX_ENTITY = 12;

/**
 * Decode character data in `bytes[start, end)`: UTF-8, entity references replaced, line ends
 * normalised (CR LF and lone CR become LF) and, for an attribute value, white space characters
 * (TAB, LF, CR) written literally become spaces (XML's attribute-value normalisation; character
 * references are kept as they are).
 *
 * @param bytes - the buffer
 * @param start - first byte
 * @param end - byte after the last
 * @param attribute - whether this is an attribute value
 * @returns the text, or an error message for a bad entity reference
 */
export function decodeCharData(
  bytes: Bytes,
  start: number,
  end: number,
  attribute: boolean,
): { text: string } | { error: string } {
  let out = "";
  let from = start;
  let i = start;
  while (i < end) {
    const b = bytes[i] as number;
    if (b === AMP) {
      const semi = bytes.indexOf(SEMICOLON, i + 1);
      if (semi < 0 || semi >= end || semi - i - 1 > MAX_ENTITY) return { error: "unterminated entity reference" };
      const body = bytes.latin1Slice(i + 1, semi);
      const value = entityValue(body);
      if (value === undefined) return { error: `undefined entity reference &${body};` };
      out += bytes.utf8Slice(from, i) + value;
      i = semi + 1;
      from = i;
    } else if (b === CR) {
      const pairs = i + 1 < end && bytes[i + 1] === 0x0a;
      out += bytes.utf8Slice(from, i) + (attribute ? " " : "\n");
      i += pairs ? 2 : 1;
      from = i;
    } else if (attribute && (b === 0x0a || b === 0x09)) {
      out += `${bytes.utf8Slice(from, i)} `;
      i++;
      from = i;
    } else i++;
  }
  return { text: out + bytes.utf8Slice(from, end) };
}
