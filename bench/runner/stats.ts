/**
 * Summaries of repeated measurements: the median and the spread (min-max).
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";

/** The median and the range of a series of measurements. */
export interface Summary {
  /** The middle value (the mean of the two middle values for an even count). */
  median: number;
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
  /** How many values. */
  count: number;
}

/**
 * Summarises `values` (at least one).
 * @throws GroveError `BENCH_NO_SAMPLES` for an empty series.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new GroveError("BENCH_NO_SAMPLES", "no measurements to summarise");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, count: sorted.length };
}
