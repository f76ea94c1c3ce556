/**
 * Reading Debian control data (deb822): `Field: value` lines, continuation lines starting with a space or tab,
 * stanzas separated by blank lines.
 * @packageDocumentation
 */
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { GroveError } from "@grove/core";

/** One stanza: field names as written (case kept) mapped to values; continuation lines are joined with `\n`. */
export type Stanza = ReadonlyMap<string, string>;

/** Incremental parser: feed lines, collect finished stanzas. */
class StanzaParser {
  private fields = new Map<string, string>();
  private current: string | undefined;

  constructor(private readonly subject: string) {}

  /** Feed one line (without its newline); returns a stanza when a blank line ends one. */
  line(text: string, lineNumber: number): Stanza | undefined {
    if (text.trim() === "") return this.finish();
    if (text.startsWith(" ") || text.startsWith("\t")) {
      if (this.current === undefined) {
        throw new GroveError(
          "CORPUS_BAD_CONTROL",
          `${this.subject}:${lineNumber}: continuation line before any field`,
          {
            subject: this.subject,
          },
        );
      }
      this.fields.set(this.current, `${this.fields.get(this.current) ?? ""}\n${text.slice(1)}`);
      return undefined;
    }
    if (text.startsWith("#")) return undefined;
    const colon = text.indexOf(":");
    if (colon <= 0) {
      throw new GroveError("CORPUS_BAD_CONTROL", `${this.subject}:${lineNumber}: expected "Field: value"`, {
        subject: this.subject,
      });
    }
    this.current = text.slice(0, colon);
    this.fields.set(this.current, text.slice(colon + 1).trim());
    return undefined;
  }

  /** End the current stanza, if any. */
  finish(): Stanza | undefined {
    this.current = undefined;
    if (this.fields.size === 0) return undefined;
    const done = this.fields;
    this.fields = new Map();
    return done;
  }
}

/**
 * Parse every stanza of a control text.
 * @param subject - file name for messages
 * @throws GroveError `CORPUS_BAD_CONTROL` on a malformed line.
 */
export function parseStanzas(text: string, subject: string): Stanza[] {
  const parser = new StanzaParser(subject);
  const out: Stanza[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const stanza = parser.line(line.replace(/\r$/, ""), i + 1);
    if (stanza !== undefined) out.push(stanza);
  });
  const last = parser.finish();
  if (last !== undefined) out.push(last);
  return out;
}

/**
 * Parse stanzas from a stream without holding the whole text (a Packages index is ~100 MB uncompressed).
 * @param subject - file name for messages
 */
export async function* streamStanzas(input: Readable, subject: string): AsyncGenerator<Stanza> {
  const parser = new StanzaParser(subject);
  let pending = "";
  let lineNumber = 0;
  const decoder = new StringDecoder("utf8");
  for await (const chunk of input) {
    pending += typeof chunk === "string" ? chunk : decoder.write(chunk as Buffer);
    let newline = pending.indexOf("\n");
    let start = 0;
    while (newline !== -1) {
      lineNumber++;
      const stanza = parser.line(pending.slice(start, newline), lineNumber);
      if (stanza !== undefined) yield stanza;
      start = newline + 1;
      newline = pending.indexOf("\n", start);
    }
    pending = pending.slice(start);
  }
  pending += decoder.end();
  if (pending !== "") {
    const stanza = parser.line(pending, lineNumber + 1);
    if (stanza !== undefined) yield stanza;
  }
  const last = parser.finish();
  if (last !== undefined) yield last;
}

/** A required field of a stanza. */
export function requireField(stanza: Stanza, field: string, subject: string): string {
  const value = stanza.get(field);
  if (value === undefined || value === "") {
    throw new GroveError("CORPUS_BAD_CONTROL", `${subject}: control data has no ${field} field`, { subject });
  }
  return value;
}
