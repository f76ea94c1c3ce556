/**
 * Choosing how grove runs: the CLI when asked, or (`auto`) when it has every command the benchmark needs;
 * otherwise the library stand-in.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";
import { CliDriver, missingCliCommands } from "./cli-driver.js";
import type { GroveDriver } from "./driver.js";
import { LibraryDriver } from "./library-driver.js";

/**
 * The driver for `mode`.
 * @throws GroveError `BENCH_NO_CLI` when `mode` is `cli` and the built CLI lacks commands
 */
export function pickDriver(mode: "auto" | "cli" | "library", repoRoot: string): GroveDriver {
  if (mode === "library") return new LibraryDriver();
  const missing = missingCliCommands(repoRoot);
  if (missing.length === 0) return new CliDriver(repoRoot);
  if (mode === "cli") {
    throw new GroveError("BENCH_NO_CLI", `the grove CLI lacks ${missing.join(", ")}`, {
      hint: "build it with `npm run build`, or run with --grove library",
    });
  }
  return new LibraryDriver();
}
