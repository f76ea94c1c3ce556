/**
 * The side-by-side table as Markdown, with the header that says where, when and how it was measured.
 * @packageDocumentation
 */
import type { MachineInfo } from "./machine-info.js";
import { type Figure, type Goal, type ResultRow, ratioOf } from "./result-row.js";

/** Everything the report shows besides the rows. */
export interface ReportHeader {
  /** The machine and checkout. */
  machine: MachineInfo;
  /** The command line that produced the report. */
  command: string;
  /** Which grove ran (`grove CLI`, `grove (library stand-in)`). */
  groveLabel: string;
  /** What the corpus was. */
  corpus: string;
  /** Rounds: warm-up and measured. */
  warmup: number;
  /** Measured runs per figure. */
  runs: number;
  /** Lowest and highest 1-minute load average seen during the run. */
  load: { min: number; max: number };
}

/** The column headers, in order. */
export const COLUMNS = ["scenario", "grove", "peer", "peer result", "peer ÷ grove", "grove peak RSS", "goal"] as const;

/** A figure as a cell: `2.10 s (2.01-2.35)`, `612 MB`. */
export function formatFigure(figure: Figure | undefined): string {
  if (figure === undefined) return "n/a";
  const { median, min, max, count } = figure.summary;
  const digits = figure.unit === "s" ? (median < 10 ? 2 : 1) : median < 10 ? 2 : median < 100 ? 1 : 0;
  const number = (x: number) => x.toFixed(digits);
  const spread = count > 1 && figure.unit === "s" ? ` (${number(min)}-${number(max)})` : "";
  return `${number(median)} ${figure.unit}${spread}${figure.detail ?? ""}`;
}

function formatGoals(goals: readonly Goal[]): string {
  if (goals.length === 0) return "";
  return goals.map((g) => `${g.text}: ${g.met === undefined ? "n/a" : g.met ? "met" : "missed"}`).join("; ");
}

function cells(row: ResultRow): string[] {
  const ratio = ratioOf(row);
  return [
    row.scenario,
    formatFigure(row.grove),
    row.peerName,
    formatFigure(row.peer),
    ratio === undefined ? "n/a" : `${ratio.toFixed(2)}x`,
    row.groveRssMb === undefined ? "n/a" : `${Math.round(row.groveRssMb)} MB`,
    formatGoals(row.goals),
  ];
}

/** Columns whose numbers are right-aligned. */
const RIGHT_ALIGNED: ReadonlySet<number> = new Set([1, 3, 4, 5]);

/** Display width of a cell (code points: the table holds no wide characters). */
function width(text: string): number {
  return [...text].length;
}

/**
 * The rows as a Markdown table, padded into aligned columns the way the repository's formatter (biome) lays
 * tables out, so a written bench/RESULTS.md passes `npm run lint` as it is.
 */
export function renderTable(rows: readonly ResultRow[]): string {
  const body = [[...COLUMNS], ...rows.map(cells)].map((r) => r.map((v) => v.replace(/\|/g, "\\|")));
  const widths = COLUMNS.map((_, c) => Math.max(3, ...body.map((r) => width(r[c] ?? ""))));
  const pad = (text: string, c: number) => {
    const fill = " ".repeat((widths[c] as number) - width(text));
    return RIGHT_ALIGNED.has(c) ? fill + text : text + fill;
  };
  const line = (values: readonly string[]) => `| ${values.map(pad).join(" | ")} |`;
  const rule = widths.map((w, c) => (RIGHT_ALIGNED.has(c) ? `${"-".repeat(w - 1)}:` : "-".repeat(w)));
  return [line(body[0] as string[]), `| ${rule.join(" | ")} |`, ...body.slice(1).map(line)].join("\n");
}

/** The complete report: header lines, the table, the notes. */
export function renderReport(header: ReportHeader, rows: readonly ResultRow[], notes: readonly string[]): string {
  const m = header.machine;
  return [
    `- Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB RAM, Node ${m.node}; commit ${m.commit}; ${m.date}`,
    `- Command: \`${header.command}\`; grove: ${header.groveLabel}; ${header.warmup} warm-up round(s), then median (min-max) of ${header.runs} run(s); load average ${header.load.min.toFixed(2)}-${header.load.max.toFixed(2)} during the run`,
    `- Corpus: ${header.corpus}`,
    "",
    renderTable(rows),
    "",
    "peer ÷ grove: the peer's median over grove's (above 1: grove is faster, or smaller on disk). Goals come from issue 6; benchmarks never fail on a figure.",
    ...(notes.length === 0 ? [] : ["", ...notes.map((n) => `- ${n}`)]),
    "",
  ].join("\n");
}
