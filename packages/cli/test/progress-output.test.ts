/**
 * The progress output of `grove assemble/upgrade`: a line on standard output once solved, a bar on standard
 * error only on a terminal, nothing at all on standard output with --json, retries always on standard error.
 */
import { describe, expect, it } from "vitest";
import type { CliContext } from "../src/context.js";
import { formatDuration, formatSize } from "../src/output/format-size.js";
import { progressReporter } from "../src/output/progress-reporter.js";

function sinks(tty: boolean): { ctx: CliContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: {},
    homeDir: "/nonexistent",
    stderrIsTTY: tty,
  };
  return { ctx, out, err };
}

const events = [
  { type: "solved", root: "web", packages: 91, toDownload: 2, downloadBytes: 4_009_949 },
  { type: "download", root: "web", done: 1, count: 2, receivedBytes: 2_000_000, totalBytes: 4_009_949 },
  { type: "retry", root: "web", nevra: "openssl-3-1.x86_64", message: "connection reset" },
  { type: "download", root: "web", done: 2, count: 2, receivedBytes: 4_009_949, totalBytes: 4_009_949 },
  { type: "import", root: "web", done: 2, count: 2, nevra: "openssl-3-1.x86_64" },
  { type: "assemble", root: "web", phase: "checkout" },
] as const;

describe("progress output", () => {
  it("draws a bar on a terminal and prints the plan on standard output", () => {
    const { ctx, out, err } = sinks(true);
    const progress = progressReporter(ctx, false);
    for (const e of events) progress.listener(e);
    progress.finish();
    expect(out).toEqual(["web: 91 packages, 2 to download (4.0 MB)\n"]);
    const text = err.join("");
    expect(text).toContain("\r\u001b[Kweb: downloading [########################] 2/2 packages, 4.0 MB of 4.0 MB");
    expect(text).toContain("grove: web: retrying openssl-3-1.x86_64: connection reset\n");
    expect(text).toContain("web: building the new generation (checkout)");
    expect(text.endsWith("\r\u001b[K")).toBe(true);
  });

  it("draws nothing when standard error is not a terminal", () => {
    const { ctx, out, err } = sinks(false);
    const progress = progressReporter(ctx, false);
    for (const e of events) progress.listener(e);
    progress.finish();
    expect(out).toEqual(["web: 91 packages, 2 to download (4.0 MB)\n"]);
    expect(err).toEqual(["grove: web: retrying openssl-3-1.x86_64: connection reset\n"]);
  });

  it("keeps standard output for the JSON with --json, even on a terminal", () => {
    const { ctx, out, err } = sinks(true);
    const progress = progressReporter(ctx, true);
    for (const e of events) progress.listener(e);
    progress.finish();
    expect(out).toEqual([]);
    expect(err).toEqual(["grove: web: retrying openssl-3-1.x86_64: connection reset\n"]);
  });

  it("formats sizes and durations", () => {
    expect([formatSize(999), formatSize(1000), formatSize(52_428_800), formatSize(1.5e9)]).toEqual([
      "999 B",
      "1.0 kB",
      "52.4 MB",
      "1.5 GB",
    ]);
    expect([formatDuration(850), formatDuration(2400), formatDuration(72_000)]).toEqual([
      "850 ms",
      "2.4 s",
      "1 min 12 s",
    ]);
  });
});
