/**
 * `bench/solve-scale`: grove's dependency solver against dnf on a large metadata-only repository (by default the
 * ~65,000-package Debian-derived `bench/out/scale` corpus from `bench/make-corpus`).
 *
 * ```
 * npx tsc -b bench && node bench/dist/solve-scale.js [--repo DIR] [--runs 3] [--no-dnf] [--no-weak] [SPEC...]
 * ```
 * For the repository: grove's load without and with its parsed-metadata cache. For every request (default: a
 * set from one package to a desktop): grove's first solve after load (building the look-up indexes included)
 * and the median of the next runs; dnf's `--assumeno install` wall time with its metadata cache warm; the
 * number of packages; and whether grove's install set is identical to dnf's. Ends with `N requests, N
 * identical` and grove's peak RSS.
 * @packageDocumentation
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import {
  loadRepo,
  makeRepoConfig,
  nevraOf,
  type Repository,
  type SolveInput,
  solve,
  solverRepoFrom,
} from "@grove/repo";

const execFileAsync = promisify(execFile);
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const DEFAULT_SPECS = [
  "bash",
  "coreutils",
  "python3",
  "nginx",
  "postgresql-15",
  "openssh-server",
  "build-essential",
  "libreoffice-writer",
  "texlive",
  "gnome-shell",
];

interface Row {
  spec: string;
  first: number;
  again: number;
  dnf: number | undefined;
  count: number;
  identical: boolean | undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

/** What dnf would install, as NEVRAs (parsed from its transaction table), and how long it took. */
async function dnfInstall(
  repoDir: string,
  cacheDir: string,
  specs: string[],
  weak: boolean,
): Promise<{ ms: number; nevras: Set<string> }> {
  const root = await mkdtemp(path.join(tmpdir(), "grove-solve-bench-"));
  const args = [
    `--installroot=${root}`,
    "--releasever=1",
    "--setopt=reposdir=/dev/null",
    "--setopt=gpgcheck=False",
    "--setopt=best=True",
    `--setopt=install_weak_deps=${weak ? "True" : "False"}`,
    `--setopt=cachedir=${cacheDir}`,
    `--repofrompath=bench,${repoDir}`,
    "--assumeno",
    "install",
    ...specs,
  ];
  const start = performance.now();
  let output: string;
  try {
    const done = await execFileAsync("dnf", args, { maxBuffer: 1 << 28 });
    output = done.stdout + done.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    output = (e.stdout ?? "") + (e.stderr ?? "");
  }
  const ms = performance.now() - start;
  await rm(root, { recursive: true, force: true });
  const nevras = new Set<string>();
  const lines: string[] = [];
  let inTable = false;
  for (const line of output.split("\n")) {
    if (/^[A-Z][A-Za-z ]*:$/.test(line)) inTable = true;
    else if (line.trim() === "" || line.startsWith("Transaction Summary")) inTable = false;
    else if (inTable && /^ \S/.test(line)) lines.push(line.trim());
    else if (inTable && /^\s{2,}\S/.test(line) && !/^\s+replacing\s/.test(line) && lines.length > 0) {
      lines[lines.length - 1] += ` ${line.trim()}`;
    }
  }
  for (const line of lines) {
    const [name, arch, version] = line.split(/\s+/);
    if (name !== undefined && arch !== undefined && version !== undefined) nevras.add(`${name}-${version}.${arch}`);
  }
  return { ms, nevras };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      repo: { type: "string" },
      runs: { type: "string", default: "3" },
      "no-dnf": { type: "boolean", default: false },
      "no-weak": { type: "boolean", default: false },
    },
    allowPositionals: true,
  });
  const repoDir = path.resolve(values.repo ?? path.join(benchDir, "out", "scale"));
  if (!existsSync(path.join(repoDir, "repodata", "repomd.xml"))) {
    throw new Error(`no repository at ${repoDir}: build it with bench/make-corpus (see bench/corpus/README.md)`);
  }
  const runs = Math.max(1, Number(values.runs));
  const weak = !values["no-weak"];
  const specs = positionals.length > 0 ? positionals : DEFAULT_SPECS;
  const work = await mkdtemp(path.join(tmpdir(), "grove-solve-bench-cache-"));
  const config = makeRepoConfig("bench", { baseurl: [`file://${repoDir}/`] });

  // The cold load's repository is dropped right away, so the RSS reported below is the cached one's.
  const coldMs = (await timed(async () => (await loadRepo(config, { cacheDir: path.join(work, "grove") })).count)).ms;
  const warm = await timed(() => loadRepo(config, { cacheDir: path.join(work, "grove") }));
  const repository: Repository = warm.value;
  console.log(`repository ${repoDir}: ${repository.count} packages`);
  console.log(
    `grove load: ${coldMs.toFixed(0)} ms (parsing primary.xml), ${warm.ms.toFixed(0)} ms (from grove's cache)`,
  );
  const dnfCache = path.join(work, "dnf");
  if (!values["no-dnf"]) {
    const first = await dnfInstall(repoDir, dnfCache, ["bash"], weak);
    console.log(`dnf first run (loading the metadata): ${first.ms.toFixed(0)} ms`);
  }

  const rows: Row[] = [];
  let peak = process.memoryUsage().rss;
  for (const spec of specs) {
    const input: SolveInput = { repos: [solverRepoFrom(repository)], install: spec.split(" "), weakDeps: weak };
    const attempt = async (): Promise<Set<string> | undefined> => {
      try {
        return new Set((await solve(input)).install.map(nevraOf));
      } catch {
        return undefined;
      }
    };
    const first = await timed(attempt);
    const again: number[] = [];
    for (let i = 1; i < runs; i++) again.push((await timed(attempt)).ms);
    peak = Math.max(peak, process.memoryUsage().rss);
    const grove = first.value;
    let dnfMs: number | undefined;
    let identical: boolean | undefined;
    if (!values["no-dnf"]) {
      const dnf = await dnfInstall(repoDir, dnfCache, spec.split(" "), weak);
      dnfMs = dnf.ms;
      const groveSet = grove ?? new Set<string>();
      identical = groveSet.size === dnf.nevras.size && [...groveSet].every((nevra) => dnf.nevras.has(nevra));
    }
    rows.push({ spec, first: first.ms, again: median(again), dnf: dnfMs, count: grove?.size ?? 0, identical });
  }

  console.log("");
  console.log(
    `${"request".padEnd(22)} ${"packages".padStart(8)} ${"grove 1st".padStart(10)} ${"grove".padStart(8)} ${"dnf".padStart(8)}  same`,
  );
  for (const row of rows) {
    const dnf = row.dnf === undefined ? "-" : `${row.dnf.toFixed(0)} ms`;
    const same = row.identical === undefined ? "-" : row.identical ? "yes" : "NO";
    const again = Number.isNaN(row.again) ? "-" : `${row.again.toFixed(0)} ms`;
    console.log(
      `${row.spec.padEnd(22)} ${String(row.count).padStart(8)} ${`${row.first.toFixed(0)} ms`.padStart(10)} ${again.padStart(8)} ${dnf.padStart(8)}  ${same}`,
    );
  }
  if (!values["no-dnf"]) {
    const same = rows.filter((row) => row.identical === true).length;
    console.log(`\n${rows.length} requests, ${same} identical`);
  }
  console.log(`grove peak RSS: ${(peak / 1e6).toFixed(0)} MB`);
  await rm(work, { recursive: true, force: true });
}

await main();
