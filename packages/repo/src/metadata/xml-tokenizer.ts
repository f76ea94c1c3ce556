import { AsciiCache } from "./ascii-cache.js";
import {
  AMP,
  asBytes,
  BANG,
  type Bytes,
  CHAR_CLASS,
  CR,
  DQUOTE,
  decodeCharData,
  EQUALS,
  entityValue,
  GT,
  LT,
  MAX_ENTITY,
  NAME_CHAR,
  NAME_START,
  QUESTION,
  SEMICOLON,
  SLASH,
  SPACE,
  SQUOTE,
} from "./xml-chars.js";

/** The attributes of the start tag being reported (valid only during {@link XmlHandler.openTag}). */
export interface XmlAttributes {
  /**
   * The decoded value of attribute `name` (qualified, e.g. `xml:base`), or `undefined` when absent.
   *
   * @param name - the attribute name
   */
  get(name: string): string | undefined;
}

/** What an {@link XmlTokenizer} reports, in document order. */
export interface XmlHandler {
  /**
   * A start tag (an empty-element tag is reported as a start tag followed by an end tag).
   *
   * @param name - the qualified element name (`rpm:entry`)
   * @param attributes - its attributes, decoded
   * @returns whether to report the element's own character data to {@link XmlHandler.text}
   */
  openTag(name: string, attributes: XmlAttributes): boolean;
  /**
   * Character data (entities decoded, line ends normalised) of an element whose `openTag` returned
   * `true`, in one or more pieces.
   *
   * @param text - a piece of the text
   */
  text(text: string): void;
  /**
   * An end tag.
   *
   * @param name - the qualified element name
   */
  closeTag(name: string): void;
}

/** A well-formedness error, with the byte offset in the (decompressed) document where it was found. */
export class XmlSyntaxError extends Error {
  /** Byte offset of the problem in the document. */
  readonly offset: number;

  /**
   * @param message - what is wrong
   * @param offset - where (bytes from the start of the document)
   */
  constructor(message: string, offset: number) {
    super(message);
    this.name = "XmlSyntaxError";
    this.offset = offset;
  }
}

/** Longest single piece of markup (tag, comment, CDATA section, ...) accepted, so memory stays bounded. */
export const MAX_MARKUP_BYTES = 4 << 20;
/** {@link VALUE_CLASS}: a quote (ends the value when it is the opening one). */
const V_QUOTE = 1;
/** {@link VALUE_CLASS}: `&`, TAB, LF or CR (the value needs decoding). */
const V_DECODE = 2;
/** {@link VALUE_CLASS}: a byte of a non-ASCII character. */
const V_UTF8 = 3;
/** {@link VALUE_CLASS}: `<` or another control character (an error). */
const V_BAD = 4;
/** What each byte means inside an attribute value (0: nothing special). */
const VALUE_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 0x20; b++) table[b] = V_BAD;
  table[LT] = V_BAD;
  for (const b of [AMP, 0x09, 0x0a, CR]) table[b] = V_DECODE;
  table[DQUOTE] = V_QUOTE;
  table[SQUOTE] = V_QUOTE;
  for (let b = 0x80; b < 0x100; b++) table[b] = V_UTF8;
  return table;
})();
/** Bytes of a new chunk copied behind the leftover of the previous one to finish the piece between them. */
const JOIN_WINDOW = 16 << 10;
/** Tag and attribute names are kept in a small cache so repeated names cost no new string. */
const NAME_CACHE_SIZE = 1024;
/** Longest name looked up in the cache. */
const MAX_CACHED_NAME = 32;
/** Attribute values (dependency names, versions, flags) repeat a lot: the short ones are cached too. */
const VALUE_CACHE_SIZE = 16384;
/** Longest attribute value looked up in the cache. */
const MAX_CACHED_VALUE = 64;
const CDATA_END = Buffer.from("]]>");
const COMMENT_END = Buffer.from("-->");
const DOUBLE_DASH = Buffer.from("--");
const PI_END = Buffer.from("?>");
const CDATA_OPEN = Buffer.from("<![CDATA[");
const DOCTYPE_OPEN = Buffer.from("<!DOCTYPE");
/** Hash of the bytes of the name {@link XmlTokenizer.nameEnd} scanned last (-1: not ASCII). */
let scannedHash = 0;
/** Returned by the markup scanners when the buffer ends before the markup does. */
const MORE = -1;

class Attributes implements XmlAttributes {
  readonly names: string[] = [];
  readonly values: string[] = [];
  count = 0;

  get(name: string): string | undefined {
    for (let i = 0; i < this.count; i++) if (this.names[i] === name) return this.values[i];
    return undefined;
  }
}

/**
 * A streaming, non-validating XML tokenizer for rpm-md metadata, working on UTF-8 bytes: it finds
 * delimiters with `Buffer#indexOf` and decodes only names, attribute values and the text an element
 * asks for. It checks well-formedness (matching tags, quoted attributes without `<`, no duplicate
 * attributes, defined entity references, one root element, a complete document) and accepts comments,
 * processing instructions, CDATA sections, the XML declaration and a DOCTYPE without an internal
 * subset (entity declarations are refused, so nothing is ever expanded). Namespaces are left as
 * prefixes. Chunks may split the input anywhere; only an unfinished piece of markup is kept between
 * chunks. Not checked: control characters (which XML forbids) in text that is skipped, nor in text
 * with entity references.
 */
export class XmlTokenizer {
  private readonly handler: XmlHandler;
  private readonly attrs = new Attributes();
  private readonly stack: string[] = [];
  private keep: boolean[] = [false];
  private rest: Bytes | undefined;
  /** Bytes of the document before the current buffer. */
  private consumed = 0;
  private started = false;
  private rootSeen = false;
  private doctypeSeen = false;
  private closed = false;
  private bomLength = 0;
  /** Cached positions of the next `&` and `]]>` in the current buffer (-1: not looked for yet). */
  private nextAmp = -1;
  private nextCdataEnd = -1;
  /** Recent names and short attribute values, by a hash of their bytes (repeated values then share one string). */
  private readonly names = new AsciiCache(NAME_CACHE_SIZE, MAX_CACHED_NAME, true);
  private readonly values = new AsciiCache(VALUE_CACHE_SIZE, MAX_CACHED_VALUE);

  /**
   * @param handler - receives the tags and text
   */
  constructor(handler: XmlHandler) {
    this.handler = handler;
  }

  /**
   * Tokenize the next chunk of the document.
   *
   * @param chunk - the next bytes (UTF-8)
   * @throws XmlSyntaxError when the document is not well-formed; errors thrown by the handler pass through
   */
  write(chunk: Uint8Array): void {
    if (this.closed) throw new XmlSyntaxError("data after the end of the document", this.consumed);
    if (chunk.length === 0) return;
    const bytes = asBytes(chunk);
    const rest = this.rest;
    this.rest = undefined;
    if (rest === undefined) this.run(bytes, false);
    else if (bytes.length <= 2 * JOIN_WINDOW) this.run(Buffer.concat([rest, bytes]) as Bytes, false);
    else {
      // Finish the piece that crosses the chunk boundary in a copy of the boundary's surroundings, then
      // go on in the chunk itself (instead of copying the whole chunk behind the leftover).
      const head = Buffer.concat([rest, bytes.subarray(0, JOIN_WINDOW)]) as Bytes;
      const pos = this.run(head, false, rest.length);
      if (pos >= rest.length) this.run(bytes.subarray(pos - rest.length) as Bytes, false);
      else {
        const left = this.rest as Bytes | undefined;
        this.rest = undefined;
        const tail = bytes.subarray(JOIN_WINDOW);
        this.run((left === undefined ? tail : Buffer.concat([left, tail])) as Bytes, false);
      }
    }
  }

  /**
   * The document is complete: check that nothing is left open.
   *
   * @throws XmlSyntaxError for a truncated document or one without a root element
   */
  close(): void {
    if (this.closed) return;
    const rest = this.rest;
    this.rest = undefined;
    if (rest !== undefined) this.run(rest, true);
    this.closed = true;
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) throw this.error(`the document ends inside <${open}> (unclosed element)`, 0);
    if (!this.rootSeen) throw this.error("no root element", 0);
  }

  /**
   * Tokenize `bytes` (what is left of earlier chunks included); an unfinished piece at the end is kept
   * in `this.rest`. With `stopAt`, stop at the first token boundary at or after it (keeping nothing).
   * Returns where it stopped.
   */
  private run(bytes: Bytes, final: boolean, stopAt = Number.POSITIVE_INFINITY): number {
    this.nextAmp = -1;
    this.nextCdataEnd = -1;
    const end = bytes.length;
    let pos = 0;
    if (!this.started) {
      if (end < 3 && !final && bytes[0] === 0xef) {
        this.rest = bytes;
        return 0;
      }
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        pos = 3;
        this.bomLength = 3;
      }
    }
    while (pos < end) {
      let next: number;
      if (bytes[pos] === LT) {
        next = this.markup(bytes, pos, end, final);
        if (next === MORE) {
          if (final) throw this.error("the document ends inside markup (truncated)", pos);
          if (end - pos > MAX_MARKUP_BYTES) {
            throw this.error(`a piece of markup is longer than ${MAX_MARKUP_BYTES} bytes`, pos);
          }
          break;
        }
      } else {
        next = this.textRun(bytes, pos, end, final);
        if (next === pos) break;
      }
      pos = next;
      if (pos >= stopAt) break;
    }
    if (pos < end && pos < stopAt) this.rest = bytes.subarray(pos) as Bytes;
    this.consumed += pos;
    return pos;
  }

  private error(message: string, at: number): XmlSyntaxError {
    return new XmlSyntaxError(message, this.consumed + at);
  }

  // ---- character data ----

  /** Handle text from `pos` up to the next `<`; returns where it stopped (== pos: wait for more). */
  private textRun(bytes: Bytes, pos: number, end: number, final: boolean): number {
    let lt = pos;
    const quick = Math.min(end, pos + 64);
    while (lt < quick && bytes[lt] !== LT) lt++;
    if (lt === quick && lt < end) {
      lt = bytes.indexOf(LT, lt);
      if (lt < 0) lt = end;
    }
    let stop = lt;
    if (lt === end && !final) stop = safeTextEnd(bytes, pos, end);
    if (stop === pos) return pos;
    const depth = this.stack.length;
    if (depth === 0) {
      for (let i = pos; i < stop; i++) {
        if (((CHAR_CLASS[bytes[i] as number] as number) & SPACE) === 0) {
          throw this.error(
            this.rootSeen ? "text after the root element" : "text before the root element (not an XML document?)",
            i,
          );
        }
      }
      return stop;
    }
    if (this.nextAmp < pos) {
      const at = bytes.indexOf(AMP, pos);
      this.nextAmp = at < 0 ? end : at;
    }
    if (this.nextCdataEnd < pos) {
      const at = bytes.indexOf(CDATA_END, pos);
      this.nextCdataEnd = at < 0 ? end : at;
    }
    if (this.nextCdataEnd + 3 <= stop) throw this.error("']]>' in character data", this.nextCdataEnd);
    const hasAmp = this.nextAmp < stop;
    if (this.keep[depth] === true) {
      const kind = hasAmp ? 2 : plainness(bytes, pos, stop);
      if (kind === 3) throw this.error("a control character in text", pos);
      if (kind === 0) this.handler.text(bytes.latin1Slice(pos, stop));
      else if (kind === 1) this.handler.text(bytes.utf8Slice(pos, stop));
      else {
        const decoded = decodeCharData(bytes, pos, stop, false);
        if ("error" in decoded) throw this.error(decoded.error, pos);
        this.handler.text(decoded.text);
      }
    } else if (hasAmp) this.checkEntities(bytes, stop);
    return stop;
  }

  /** Check the entity references in skipped text `bytes[this.nextAmp, stop)` (it has at least one). */
  private checkEntities(bytes: Bytes, stop: number): void {
    let at = this.nextAmp;
    while (at >= 0 && at < stop) {
      const semi = bytes.indexOf(SEMICOLON, at + 1);
      if (semi < 0 || semi >= stop || semi - at - 1 > MAX_ENTITY) throw this.error("unterminated entity reference", at);
      const body = bytes.latin1Slice(at + 1, semi);
      if (entityValue(body) === undefined) throw this.error(`undefined entity reference &${body};`, at);
      at = bytes.indexOf(AMP, semi + 1);
    }
    this.nextAmp = at < 0 ? bytes.length : at;
  }

  // ---- markup ----

  private markup(bytes: Bytes, pos: number, end: number, final: boolean): number {
    if (pos + 1 >= end) return MORE;
    const second = bytes[pos + 1] as number;
    if (second === SLASH) return this.endTag(bytes, pos, end);
    if (second === BANG) return this.bang(bytes, pos, end, final);
    if (second === QUESTION) return this.processingInstruction(bytes, pos, end);
    return this.startTag(bytes, pos, end);
  }

  /**
   * Scan a name at `at`; returns its end (== at when there is none; -1: the buffer ended). Leaves a
   * hash of its bytes in `scannedHash` (-1 when a byte is not ASCII) for {@link XmlTokenizer.name}.
   */
  private nameEnd(bytes: Bytes, at: number, end: number): number {
    if (at >= end) return MORE;
    let b = bytes[at] as number;
    if (((CHAR_CLASS[b] as number) & NAME_START) === 0) return at;
    let hash = b;
    let ascii = b < 0x80;
    let i = at + 1;
    for (; i < end; i++) {
      b = bytes[i] as number;
      if (((CHAR_CLASS[b] as number) & NAME_CHAR) === 0) break;
      hash = (Math.imul(hash, 31) + b) | 0;
      if (b >= 0x80) ascii = false;
    }
    scannedHash = ascii ? hash & 0x7fffffff : -1;
    return i === end ? MORE : i;
  }

  /** The string of the name just scanned by {@link XmlTokenizer.nameEnd}, from the cache when seen before. */
  private name(bytes: Bytes, start: number, end: number): string {
    if (scannedHash < 0) return bytes.utf8Slice(start, end);
    if (end - start > MAX_CACHED_NAME) return bytes.latin1Slice(start, end);
    return this.names.get(bytes, start, end, scannedHash);
  }

  private startTag(bytes: Bytes, pos: number, end: number): number {
    const nameEnd = this.nameEnd(bytes, pos + 1, end);
    if (nameEnd === MORE) return MORE;
    if (nameEnd === pos + 1) throw this.error("'<' not followed by a name (a '<' in text must be &lt;)", pos);
    const name = this.name(bytes, pos + 1, nameEnd);
    const attrs = this.attrs;
    attrs.count = 0;
    let i = nameEnd;
    let selfClosing = false;
    for (;;) {
      const spaced = i;
      while (i < end && ((CHAR_CLASS[bytes[i] as number] as number) & SPACE) !== 0) i++;
      if (i >= end) return MORE;
      const b = bytes[i] as number;
      if (b === GT) {
        i++;
        break;
      }
      if (b === SLASH) {
        if (i + 1 >= end) return MORE;
        if (bytes[i + 1] !== GT) throw this.error("'/' not followed by '>' in a tag", i);
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === spaced) throw this.error(`unexpected character '${String.fromCharCode(b)}' in a tag`, i);
      i = this.attribute(bytes, i, end);
      if (i === MORE) return MORE;
    }
    if (this.stack.length === 0) {
      if (this.rootSeen) throw this.error(`a second root element <${name}>`, pos);
      this.rootSeen = true;
    }
    this.stack.push(name);
    const keepText = this.handler.openTag(name, attrs);
    if (selfClosing) {
      this.stack.pop();
      this.handler.closeTag(name);
    } else this.keep[this.stack.length] = keepText;
    return i;
  }

  /** Parse one attribute at `at` into `this.attrs`; returns the position after its value. */
  private attribute(bytes: Bytes, at: number, end: number): number {
    const nameEnd = this.nameEnd(bytes, at, end);
    if (nameEnd === MORE) return MORE;
    if (nameEnd === at)
      throw this.error(`unexpected character '${String.fromCharCode(bytes[at] as number)}' in a tag`, at);
    const name = this.name(bytes, at, nameEnd);
    let i = nameEnd;
    while (i < end && ((CHAR_CLASS[bytes[i] as number] as number) & SPACE) !== 0) i++;
    if (i >= end) return MORE;
    if (bytes[i] !== EQUALS) throw this.error("attribute without '=value'", i);
    i++;
    while (i < end && ((CHAR_CLASS[bytes[i] as number] as number) & SPACE) !== 0) i++;
    if (i >= end) return MORE;
    const quote = bytes[i] as number;
    if (quote !== DQUOTE && quote !== SQUOTE) throw this.error("attribute value not in quotes", i);
    const start = i + 1;
    let j = start;
    let plain = true;
    let ascii = true;
    let hash = 0;
    for (; j < end; j++) {
      const b = bytes[j] as number;
      const kind = VALUE_CLASS[b] as number;
      if (kind !== 0) {
        if (b === quote) break;
        if (kind === V_DECODE) plain = false;
        else if (kind === V_UTF8) ascii = false;
        else if (kind === V_BAD) {
          throw this.error(b === LT ? "'<' in an attribute value" : "a control character in an attribute value", j);
        }
      }
      hash = (Math.imul(hash, 31) + b) | 0;
    }
    if (j >= end) return MORE;
    let value: string;
    if (!plain) {
      const decoded = decodeCharData(bytes, start, j, true);
      if ("error" in decoded) throw this.error(decoded.error, start);
      value = decoded.text;
    } else if (!ascii) value = bytes.utf8Slice(start, j);
    else if (j - start <= MAX_CACHED_VALUE) value = this.values.get(bytes, start, j, hash);
    else value = bytes.latin1Slice(start, j);
    const attrs = this.attrs;
    for (let k = 0; k < attrs.count; k++) {
      if (attrs.names[k] === name) throw this.error(`duplicate attribute "${name}"`, at);
    }
    attrs.names[attrs.count] = name;
    attrs.values[attrs.count] = value;
    attrs.count++;
    return j + 1;
  }

  private endTag(bytes: Bytes, pos: number, end: number): number {
    const stack = this.stack;
    const open = stack[stack.length - 1];
    const start = pos + 2;
    // Fast path: the bytes spell the open element's (ASCII) name, followed by a non-name byte.
    let nameEnd = -2;
    if (open !== undefined && start + open.length < end) {
      const n = open.length;
      let k = 0;
      while (k < n && bytes[start + k] === open.charCodeAt(k)) k++;
      if (k === n && ((CHAR_CLASS[bytes[start + n] as number] as number) & NAME_CHAR) === 0) nameEnd = start + n;
    }
    const matched = nameEnd >= 0;
    if (!matched) {
      nameEnd = this.nameEnd(bytes, start, end);
      if (nameEnd === MORE) return MORE;
      if (nameEnd === start) throw this.error("'</' not followed by a name", pos);
    }
    let i = nameEnd;
    while (i < end && ((CHAR_CLASS[bytes[i] as number] as number) & SPACE) !== 0) i++;
    if (i >= end) return MORE;
    if (bytes[i] !== GT) throw this.error("unexpected character in an end tag", i);
    const name = matched ? (open as string) : this.name(bytes, start, nameEnd);
    if (open === undefined) throw this.error(`end tag </${name}> without a start tag`, pos);
    if (open !== name) throw this.error(`end tag </${name}> does not match <${open}>`, pos);
    stack.pop();
    this.keep[stack.length + 1] = false;
    this.handler.closeTag(name);
    return i + 1;
  }

  private bang(bytes: Bytes, pos: number, end: number, final: boolean): number {
    if (pos + 3 >= end) return MORE;
    if (bytes[pos + 2] === 0x2d && bytes[pos + 3] === 0x2d) {
      const close = bytes.indexOf(COMMENT_END, pos + 4);
      if (close < 0) return MORE;
      if (bytes.indexOf(DOUBLE_DASH, pos + 4) !== close) throw this.error("'--' inside a comment", pos);
      return close + 3;
    }
    if (startsWith(bytes, pos, end, CDATA_OPEN)) {
      if (this.stack.length === 0) throw this.error("CDATA section outside the root element", pos);
      const close = bytes.indexOf(CDATA_END, pos + CDATA_OPEN.length);
      if (close < 0) return MORE;
      if (this.keep[this.stack.length] === true) {
        this.handler.text(bytes.utf8Slice(pos + CDATA_OPEN.length, close).replace(/\r\n?/g, "\n"));
      }
      return close + 3;
    }
    if (startsWith(bytes, pos, end, DOCTYPE_OPEN)) return this.doctype(bytes, pos, end);
    if (!final && end - pos < DOCTYPE_OPEN.length && isPrefix(bytes, pos, end)) return MORE;
    throw this.error("unknown markup '<!'", pos);
  }

  private doctype(bytes: Bytes, pos: number, end: number): number {
    if (this.rootSeen || this.doctypeSeen) throw this.error("DOCTYPE not before the root element", pos);
    let quote = 0;
    for (let i = pos + DOCTYPE_OPEN.length; i < end; i++) {
      const b = bytes[i] as number;
      if (quote !== 0) {
        if (b === quote) quote = 0;
      } else if (b === DQUOTE || b === SQUOTE) quote = b;
      else if (b === 0x5b) {
        throw this.error("DOCTYPE with an internal subset is not accepted (no entity declarations)", pos);
      } else if (b === GT) {
        this.doctypeSeen = true;
        return i + 1;
      }
    }
    return MORE;
  }

  private processingInstruction(bytes: Bytes, pos: number, end: number): number {
    const nameEnd = this.nameEnd(bytes, pos + 2, end);
    if (nameEnd === MORE) return MORE;
    if (nameEnd === pos + 2) throw this.error("'<?' not followed by a target name", pos);
    const close = bytes.indexOf(PI_END, nameEnd);
    if (close < 0) return MORE;
    if (nameEnd - pos - 2 === 3 && bytes.latin1Slice(pos + 2, nameEnd).toLowerCase() === "xml") {
      if (this.consumed + pos !== this.bomLength)
        throw this.error("XML declaration not at the start of the document", pos);
    }
    return close + 2;
  }
}

/**
 * 0: `bytes[start, end)` is ASCII without CR; 1: also non-ASCII bytes; 2: holds a CR (needs normalising);
 * 3: holds a control character XML forbids.
 */
function plainness(bytes: Bytes, start: number, end: number): number {
  let kind = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i] as number;
    if (b < 0x20) {
      if (b === CR) kind = 2;
      else if (b !== 0x09 && b !== 0x0a) return 3;
    } else if (b >= 0x80 && kind === 0) kind = 1;
  }
  return kind;
}

/** Whether `bytes[pos..]` starts with `prefix` (false when the buffer ends first). */
function startsWith(bytes: Bytes, pos: number, end: number, prefix: Buffer): boolean {
  if (end - pos < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[pos + i] !== prefix[i]) return false;
  return true;
}

/** Whether `bytes[pos, end)` could still become `<![CDATA[` or `<!DOCTYPE`. */
function isPrefix(bytes: Bytes, pos: number, end: number): boolean {
  const check = (prefix: Buffer): boolean => {
    for (let i = 0; pos + i < end && i < prefix.length; i++) if (bytes[pos + i] !== prefix[i]) return false;
    return true;
  };
  return check(CDATA_OPEN) || check(DOCTYPE_OPEN);
}

/**
 * Where text running to the end of the buffer can be cut safely: before an entity reference, a UTF-8
 * sequence, a CR (of a CR LF) or `]`s (of a `]]>`) that the next chunk may complete.
 */
function safeTextEnd(bytes: Bytes, pos: number, end: number): number {
  let stop = end;
  const amp = bytes.lastIndexOf(AMP, end - 1);
  if (amp >= pos && amp > end - MAX_ENTITY - 2 && bytes.indexOf(SEMICOLON, amp) < 0) stop = amp;
  // Back off over an unfinished UTF-8 sequence.
  let lead = stop - 1;
  while (lead >= pos && lead > stop - 4 && ((bytes[lead] as number) & 0xc0) === 0x80) lead--;
  if (lead >= pos) {
    const b = bytes[lead] as number;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (lead + need > stop) stop = lead;
  }
  for (let n = 0; n < 3 && stop > pos && (bytes[stop - 1] === CR || bytes[stop - 1] === 0x5d); n++) stop--;
  return stop;
}
