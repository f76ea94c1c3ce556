/**
 * Keeping the latest table in `bench/RESULTS.md`: the "Side by side" section is replaced, the rest of the file
 * (other benchmarks' sections) is left as it is.
 * @packageDocumentation
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** The heading of the section this harness owns. */
export const SECTION_HEADING = "## Side by side";

const PREAMBLE = `# Benchmark results

Figures from \`bench/\`: the latest run of each benchmark, with the machine, commit and command it ran with.
`;

/**
 * Returns `document` with the "Side by side" section's body replaced by `body` (the section is appended when
 * missing). The section ends at the next level-2 heading.
 * @param document - the current file text ("" for a new file)
 * @param body - the new section body (without the heading)
 */
export function replaceSection(document: string, body: string): string {
  const section = `${SECTION_HEADING}\n\n${body.trim()}\n`;
  const text = document.trim() === "" ? PREAMBLE : document;
  const start = text.indexOf(`${SECTION_HEADING}\n`);
  if (start < 0) return `${text.trimEnd()}\n\n${section}`;
  const rest = text.slice(start + SECTION_HEADING.length + 1);
  const next = rest.search(/^## /m);
  const after = next < 0 ? "" : `\n${rest.slice(next)}`;
  return `${text.slice(0, start)}${section}${after}`;
}

/** Writes `body` into the "Side by side" section of `file`. */
export function writeResultsSection(file: string, body: string): void {
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  writeFileSync(file, replaceSection(current, body));
}
