/**
 * The command line of `bench/run`.
 * @packageDocumentation
 */
import { parseArgs } from "node:util";
import { GroveError } from "@grove/core";

/** The scenarios, in the order they run. */
export const SCENARIOS = ["cold", "warm", "second", "upgrade", "solve", "disk"] as const;

/** One scenario's name. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** Parsed options. */
export interface RunOptions {
  /** Measured runs per figure. */
  runs: number;
  /** Unrecorded rounds before them. */
  warmup: number;
  /** The small generated corpus instead of `bench/out`. */
  quick: boolean;
  /** Scenarios to run. */
  scenarios: ScenarioName[];
  /** `cli`, `library` or `auto` (the CLI when it has the commands, else the library stand-in). */
  grove: "auto" | "cli" | "library";
  /** Replace the "Side by side" section of bench/RESULTS.md. */
  writeResults: boolean;
  /** Also write the rows as JSON here. */
  json: string | undefined;
  /** Scratch directory (default: a new one under the system temporary directory). */
  workDir: string | undefined;
  /** Keep the scratch directory. */
  keep: boolean;
  /** Print usage and exit. */
  help: boolean;
}

/** Usage text. */
export const USAGE = `usage: bench/run [options]
  --runs N          measured runs per figure (default 5; 1 with --quick)
  --warmup N        unrecorded rounds first (default 1; 0 with --quick)
  --quick           the small generated corpus (CI keeps the harness working with it)
  --only a,b        scenarios: ${SCENARIOS.join(", ")} (default all)
  --grove MODE      cli, library (stand-in) or auto (default: the CLI when it has the commands)
  --write-results   write the table into bench/RESULTS.md under "Side by side"
  --json FILE       also write the rows as JSON
  --work DIR        scratch directory (default: a new one in $TMPDIR)
  --keep            keep the scratch directory`;

function count(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new GroveError("BENCH_USAGE", `--${name} must be an integer >= ${min}, not ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Parses `argv` (without node and the script).
 * @throws GroveError `BENCH_USAGE` for an unknown option or a bad value
 */
export function parseOptions(argv: readonly string[]): RunOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new GroveError("BENCH_USAGE", `${(err as Error).message}\n${USAGE}`);
  }
  const quick = values.quick === true;
  const scenarios = (values.only?.split(",") ?? [...SCENARIOS]).map((s) => s.trim()).filter((s) => s !== "");
  for (const s of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(s)) {
      throw new GroveError("BENCH_USAGE", `unknown scenario "${s}" (known: ${SCENARIOS.join(", ")})`);
    }
  }
  const grove = values.grove ?? "auto";
  if (grove !== "auto" && grove !== "cli" && grove !== "library") {
    throw new GroveError("BENCH_USAGE", `--grove must be auto, cli or library, not ${JSON.stringify(grove)}`);
  }
  return {
    runs: count(values.runs, quick ? 1 : 5, "runs", 1),
    warmup: count(values.warmup, quick ? 0 : 1, "warmup", 0),
    quick,
    scenarios: SCENARIOS.filter((s) => scenarios.includes(s)),
    grove,
    writeResults: values["write-results"] === true,
    json: values.json,
    workDir: values.work,
    keep: values.keep === true,
    help: values.help === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    options: {
      runs: { type: "string" },
      warmup: { type: "string" },
      quick: { type: "boolean" },
      only: { type: "string" },
      grove: { type: "string" },
      "write-results": { type: "boolean" },
      json: { type: "string" },
      work: { type: "string" },
      keep: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
