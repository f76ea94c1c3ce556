/**
 * `bench/run`: grove side by side with dnf, rpm and ostree on the same machine in one run. Each scenario runs
 * every contender for a warm-up round and then `--runs` measured rounds, and the table gives grove's median
 * (min-max), the peer's, their ratio, grove's peak RSS and the goal from issue 6. Benchmarks never fail on a
 * figure; the run fails only when a command fails (the harness or grove is broken).
 *
 * ```
 * bench/run [--runs 5] [--warmup 1] [--only cold,warm,...] [--quick] [--write-results] [--json FILE]
 * ```
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isGroveError } from "@grove/core";
import { type BenchCorpus, fullCorpus } from "./bench-corpus.js";
import { pickDriver } from "./grove/pick-driver.js";
import { currentLoad, machineInfo } from "./machine-info.js";
import { miniCorpus } from "./mini-corpus.js";
import { parseOptions, type RunOptions, type ScenarioName, USAGE } from "./options.js";
import { ostreeAvailable } from "./peers/ostree.js";
import { referenceEnv } from "./reference-env.js";
import type { ResultRow } from "./result-row.js";
import { writeResultsSection } from "./results-file.js";
import { renderReport } from "./results-table.js";
import { emptyTrash, setDiskProbe, waitForQuietDisk } from "./rounds.js";
import { coldAssemble } from "./scenarios/cold-assemble.js";
import type { ScenarioContext } from "./scenarios/context.js";
import { diskThreeRoots } from "./scenarios/disk.js";
import { BASE, UPDATES } from "./scenarios/repos.js";
import { secondRoot } from "./scenarios/second-root.js";
import { solveScale } from "./scenarios/solve.js";
import { upgrades } from "./scenarios/upgrade.js";
import { warmAssemble } from "./scenarios/warm-assemble.js";
import { StaticServer } from "./static-server.js";

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const repoRoot = path.resolve(benchDir, "..");

type Scenario = (ctx: ScenarioContext) => Promise<{ rows: ResultRow[]; notes: string[] }>;

const rowsOnly =
  (fn: (ctx: ScenarioContext) => Promise<ResultRow[]>): Scenario =>
  async (ctx) => ({ rows: await fn(ctx), notes: [] });

const SCENARIO_RUNNERS: Record<ScenarioName, Scenario> = {
  cold: rowsOnly(coldAssemble),
  warm: rowsOnly(warmAssemble),
  second: rowsOnly(secondRoot),
  upgrade: rowsOnly(upgrades),
  solve: rowsOnly(solveScale),
  disk: diskThreeRoots,
};

function haveTool(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

function describeCorpus(corpus: BenchCorpus): string {
  const set = (s: BenchCorpus["first"]) => (s.description === "" ? s.name : `${s.name} (${s.description})`);
  const source = corpus.kind === "full" ? "bench/out, served as one repository" : "generated quick corpus";
  return `${[corpus.first, corpus.second, corpus.third].map(set).join(", ")} from ${source} over loopback HTTP; update: ${corpus.updateDescription}; solve: ${corpus.solveDescription}`;
}

async function run(options: RunOptions): Promise<number> {
  const machine = machineInfo(repoRoot);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cacheDir = path.join(benchDir, "cache", "runner");
  mkdirSync(cacheDir, { recursive: true });
  log(options.quick ? "preparing the quick corpus" : "preparing the corpus (bench/out)");
  const corpus = options.quick ? await miniCorpus(cacheDir) : await fullCorpus(path.join(benchDir, "out"), cacheDir);
  const grove = pickDriver(options.grove, repoRoot);
  const isRoot = process.getuid?.() === 0;
  const missingTools = ["dnf", "rpm"].filter((t) => !haveTool(t));
  const peers = isRoot && missingTools.length === 0;
  const notes: string[] = [];
  if (!peers) {
    notes.push(
      `peers not run: ${isRoot ? `${missingTools.join(", ")} not installed` : "dnf --installroot needs root"}`,
    );
  }
  const ostree = ostreeAvailable();
  if (!ostree) notes.push("ostree is not installed: no ostree checkout figure");
  if (grove.kind === "library") notes.push("grove ran as the library stand-in (bench/runner/grove-lib), not the CLI");

  const workDir = options.workDir ?? mkdtempSync(path.join(tmpdir(), "grove-bench-"));
  mkdirSync(workDir, { recursive: true });
  setDiskProbe(workDir);
  waitForQuietDisk();
  const server = await StaticServer.start({ [BASE]: corpus.repoDir, [UPDATES]: corpus.updatesDir });
  const load = { min: currentLoad(), max: currentLoad() };
  const sampler = setInterval(() => {
    const l = currentLoad();
    load.min = Math.min(load.min, l);
    load.max = Math.max(load.max, l);
  }, 2000);
  sampler.unref();
  const ctx: ScenarioContext = {
    corpus,
    grove,
    server,
    workDir,
    refEnv: referenceEnv(workDir),
    peers,
    ostree,
    runs: options.runs,
    warmup: options.warmup,
    log,
  };
  const rows: ResultRow[] = [];
  let failures = 0;
  try {
    for (const name of options.scenarios) {
      log(`== ${name}`);
      try {
        const result = await SCENARIO_RUNNERS[name](ctx);
        rows.push(...result.rows);
        notes.push(...result.notes);
      } catch (err) {
        failures++;
        const message = isGroveError(err) ? `${err.code}: ${err.message}` : String((err as Error).stack ?? err);
        notes.push(`scenario ${name} failed: ${message.split("\n")[0]}`);
        log(`scenario ${name} failed: ${message}`);
      }
    }
  } finally {
    clearInterval(sampler);
    await server.close();
    emptyTrash();
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }

  const argv = process.argv.slice(2);
  const report = renderReport(
    {
      machine,
      command: ["bench/run", ...argv].join(" "),
      groveLabel: grove.label,
      corpus: describeCorpus(corpus),
      warmup: options.warmup,
      runs: options.runs,
      load,
    },
    rows,
    notes,
  );
  process.stdout.write(report);
  if (options.writeResults) {
    writeResultsSection(path.join(benchDir, "RESULTS.md"), report);
    log("wrote bench/RESULTS.md (Side by side)");
  }
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify({ machine, rows, notes }, null, 2)}\n`);
  return failures === 0 ? 0 : 1;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  process.exitCode = await run(options);
}

main().catch((err: unknown) => {
  const message = isGroveError(err) ? `${err.code}: ${err.message}${err.hint ? `\n${err.hint}` : ""}` : String(err);
  process.stderr.write(`bench/run: ${message}\n`);
  process.exitCode = isGroveError(err) && err.code === "BENCH_USAGE" ? 2 : 1;
});
