import { GroveError } from "@grove/core/store";
import { RepoErrorCode } from "../errors.js";

/** One `[section]` of an INI file, with its `key=value` entries in file order. */
export interface IniSection {
  /** The name between the brackets, trimmed. */
  name: string;
  /** Entries in file order; keys are lower-cased, values trimmed, continuation lines joined with `\n`. */
  entries: Array<[key: string, value: string]>;
  /** 1-based line number of the section header, for messages. */
  line: number;
}

/**
 * Parse yum/dnf-style INI text: `[section]` headers, `key=value` lines,
 * comment lines starting with `#` or `;`, and continuation lines (starting with a space or tab)
 * that append to the previous value on a new line.
 *
 * @param text - the file content
 * @param source - file name for error messages
 * @throws GroveError `REPO_CONFIG_INVALID` for a line that is none of those
 */
export function parseIni(text: string, source: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  let last: [string, string] | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "") {
      last = undefined;
      continue;
    }
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    if (/^[ \t]/.test(raw) && last !== undefined) {
      last[1] = last[1] === "" ? trimmed : `${last[1]}\n${trimmed}`;
      continue;
    }
    if (trimmed.startsWith("[")) {
      const match = /^\[([^\]]*)\]\s*(?:[#;].*)?$/.exec(trimmed);
      const name = match?.[1]?.trim();
      if (name === undefined || name === "") throw invalid(source, lineNo, `malformed section header "${trimmed}"`);
      current = { name, entries: [], line: lineNo };
      sections.push(current);
      last = undefined;
      continue;
    }
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw invalid(source, lineNo, `expected "key=value", got "${trimmed}"`);
    if (current === undefined) throw invalid(source, lineNo, `"${trimmed}" appears before any [section]`);
    const key = trimmed.slice(0, eq).trim().toLowerCase();
    const value = trimmed.slice(eq + 1).trim();
    last = [key, value];
    current.entries.push(last);
  }
  return sections;
}

/**
 * Serialise sections back to INI text (`key=value`, multi-line values indented on continuation lines),
 * one blank line between sections.
 *
 * @param sections - the sections to write
 */
export function serializeIni(sections: readonly IniSection[]): string {
  const out: string[] = [];
  for (const section of sections) {
    if (out.length > 0) out.push("");
    out.push(`[${section.name}]`);
    for (const [key, value] of section.entries) {
      const [first = "", ...rest] = value.split("\n");
      out.push(`${key}=${first}`);
      for (const line of rest) out.push(`        ${line}`);
    }
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

function invalid(source: string, line: number, what: string): GroveError {
  return new GroveError(RepoErrorCode.configInvalid, `${source}:${line}: ${what}`, { subject: source });
}
