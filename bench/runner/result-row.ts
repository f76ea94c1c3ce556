/**
 * One row of the side-by-side table: a scenario, grove's figure, one peer's figure, their ratio, grove's peak
 * RSS and the goal the row is judged against.
 * @packageDocumentation
 */
import type { Sample } from "./rounds.js";
import { type Summary, summarize } from "./stats.js";

/** A measured figure: seconds (median and spread of the runs), megabytes, or a download count. */
export interface Figure {
  /** What the number is. */
  unit: "s" | "MB";
  /** Median, min and max over the runs. */
  summary: Summary;
  /** Extra text after the number (e.g. `, 40 packages`). */
  detail?: string;
}

/** A goal and whether the row meets it. */
export interface Goal {
  /** The goal as the issue states it, with the measured value when useful. */
  text: string;
  /** `undefined` when it could not be judged (a figure is missing). */
  met: boolean | undefined;
}

/** One table row. */
export interface ResultRow {
  /** Stable key (tests and JSON output use it): `cold`, `warm-dnf`, ... */
  key: string;
  /** Scenario text. */
  scenario: string;
  /** Grove's figure (missing when grove could not run it). */
  grove: Figure | undefined;
  /** The peer's name. */
  peerName: string;
  /** The peer's figure (missing when the peer could not run). */
  peer: Figure | undefined;
  /** Grove's peak RSS in MB over the runs (the largest). */
  groveRssMb: number | undefined;
  /** Goals of this row. */
  goals: Goal[];
}

/**
 * `, 113 packages`: the distinct counts the samples reported (`113/112` when they differ), or "" when none did.
 * @param noun - what is counted (plural form)
 */
export function countDetail(samples: readonly Sample[] | undefined, noun: string): string {
  const counts = [...new Set((samples ?? []).map((s) => s.count).filter((c) => c !== undefined))];
  return counts.length === 0
    ? ""
    : `, ${counts.join("/")} ${counts.length === 1 && counts[0] === 1 ? noun.replace(/s$/, "") : noun}`;
}

/**
 * Seconds figure from samples; undefined without samples.
 * @param noun - when given, the counts the samples reported follow the time (`2.10 s, 113 packages`)
 */
export function timeFigure(samples: readonly Sample[] | undefined, noun?: string): Figure | undefined {
  if (samples === undefined || samples.length === 0) return undefined;
  const detail = noun === undefined ? "" : countDetail(samples, noun);
  return { unit: "s", summary: summarize(samples.map((s) => s.wallMs / 1000)), ...(detail ? { detail } : {}) };
}

/** Megabytes figure of a single value. */
export function sizeFigure(bytes: number, detail?: string): Figure {
  const mb = bytes / 1e6;
  return { unit: "MB", summary: { median: mb, min: mb, max: mb, count: 1 }, ...(detail ? { detail } : {}) };
}

/** Megabytes figure over several values (e.g. bytes downloaded per run). */
export function sizesFigure(bytes: readonly number[], detail?: string): Figure | undefined {
  if (bytes.length === 0) return undefined;
  return { unit: "MB", summary: summarize(bytes.map((b) => b / 1e6)), ...(detail ? { detail } : {}) };
}

/** The largest peak RSS of the samples, in MB. */
export function peakRssMb(samples: readonly Sample[] | undefined): number | undefined {
  const values = (samples ?? []).map((s) => s.peakRssKb).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : Math.max(...values) / 1024;
}

/** Peer median ÷ grove median (above 1: grove is faster or smaller). */
export function ratioOf(row: ResultRow): number | undefined {
  if (row.grove === undefined || row.peer === undefined || row.grove.summary.median === 0) return undefined;
  return row.peer.summary.median / row.grove.summary.median;
}

/** Goal: grove at least `factor` times faster (or smaller) than the peer. */
export function ratioGoal(row: Pick<ResultRow, "grove" | "peer" | "peerName">, factor: number, what: string): Goal {
  const ratio =
    row.grove === undefined || row.peer === undefined || row.grove.summary.median === 0
      ? undefined
      : row.peer.summary.median / row.grove.summary.median;
  return { text: `≥ ${factor}x ${what}`, met: ratio === undefined ? undefined : ratio >= factor };
}

/** Goal: grove's median at most `limit` seconds. */
export function timeGoal(grove: Figure | undefined, limit: number): Goal {
  return { text: `≤ ${limit} s`, met: grove === undefined ? undefined : grove.summary.median <= limit };
}

/** Goal: grove's peak RSS at most `limitMb`. */
export function rssGoal(rssMb: number | undefined, limitMb: number): Goal {
  return { text: `RSS ≤ ${limitMb} MB`, met: rssMb === undefined ? undefined : rssMb <= limitMb };
}
