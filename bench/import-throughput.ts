/**
 * `bench/import-throughput`: grove's RPM import against `rpm2cpio | cpio -idm` on the same packages,
 * and the cost of re-importing a package that is already in the store.
 *
 * ```
 * npx tsc -b bench && node bench/dist/import-throughput.js [--runs 3] [--jobs 2] [--only a,b] [DIR...]
 * ```
 * The corpus is every `.rpm` below the DIRs, as one set (default: every `bench/out/<name>/Packages`, the
 * realistic corpus of `bench/make-corpus`). The same package built into several repositories (same sha256)
 * counts once; packages grove refuses (deliberately broken fixtures) are left out of both sides. Every run
 * starts from an empty store / directory on the same file system (`$TMPDIR`), with the packages in the page
 * cache. The measurements take turns run after run, so that load from elsewhere on the machine spreads evenly
 * over them; each is reported as the median of its runs, with wall time and CPU time (all threads of this
 * process and of every child process it waited for: `rpm2cpio`, `cpio`, grove children).
 *
 * Measurements (`--only` picks some by key):
 * - `grove-1`: `importRpmFiles`, one package at a time;
 * - `grove-N`: `importRpmFiles` on N worker threads (the default way to import a batch);
 * - `grove-N-inproc`: `importRpmFiles` with N packages in flight on the calling thread (`threads: false`);
 * - `grove-procs`: N processes importing disjoint halves into one store at once;
 * - `cpio-1`, `cpio-N`: `rpm2cpio | cpio -idm`, one package at a time and N at a time;
 * then the re-import cost per package: by known sha256 (a lookup) and by file (one hash of the file).
 * @packageDocumentation
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { initStore, openStore, type Store } from "@grove/core";
import { importRpm, importRpmFiles } from "@grove/rpm";
import { machineInfo } from "./runner/machine-info.js";

const execFileAsync = promisify(execFile);
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(benchDir, "..");

interface Corpus {
  name: string;
  files: string[];
  sha256: Map<string, string>;
  packageBytes: number;
  payloadBytes: number;
  entries: number;
}

/** One measurement: what it runs, and its results over the runs. */
interface Measurement {
  key: string;
  label: string;
  run: (corpus: Corpus) => Promise<void>;
  wall: number[];
  cpu: number[];
}

function listRpms(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith(".rpm")) out.push(full);
    }
  };
  walk(dir);
  return out.sort();
}

async function pool<T>(items: readonly T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/**
 * Every store and extraction directory of the run lives under one directory, removed only at the end:
 * this ext4 (no journal) skips recently deleted inodes when it allocates new ones, so deleting one
 * measurement's 15-30k files would slow down the file creation of the next (seen at 0.6 ms per file).
 */
let scratchRoot: string | undefined;

async function scratch(label: string): Promise<string> {
  scratchRoot ??= await mkdtemp(path.join(tmpdir(), "grove-bench-"));
  return mkdtemp(path.join(scratchRoot, `${label}-`));
}

/** Clock ticks per second of /proc's times (USER_HZ; 100 on every Linux architecture grove runs on). */
const CLOCK_TICKS = 100;

/** CPU seconds of the children this process has waited for (`cutime + cstime` of /proc/self/stat). */
function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name: state is field 3, so cutime (16) and cstime (17) are at indexes 13 and 14.
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

function selfCpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/** Wall and CPU seconds (this process's threads plus waited-for children) of `fn`. */
async function timed(fn: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const self0 = selfCpuSeconds();
  const children0 = childrenCpuSeconds();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  return { wall, cpu: selfCpuSeconds() - self0 + childrenCpuSeconds() - children0 };
}

/** Learns which packages grove accepts (imports each once: also warms the page cache), their sizes and digests. */
async function loadCorpus(name: string, dirs: string[]): Promise<Corpus> {
  const storeDir = await scratch("probe");
  const store = await initStore(storeDir);
  const corpus: Corpus = { name, files: [], sha256: new Map(), packageBytes: 0, payloadBytes: 0, entries: 0 };
  const seen = new Set<string>();
  for (const file of dirs.flatMap(listRpms)) {
    const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
    if (seen.has(sha256)) continue; // the same package in another repository
    seen.add(sha256);
    try {
      const r = await importRpm(store, file, { sha256 });
      corpus.files.push(file);
      corpus.sha256.set(file, sha256);
      corpus.packageBytes += statSync(file).size;
      const commit = await store.readCommit(r.commitId);
      corpus.entries += commit.entries.length;
      for (const e of commit.entries)
        if (e.type === "file" && e.object !== undefined) corpus.payloadBytes += e.size ?? 0;
    } catch {
      // refused by grove (broken package): left out of both sides
    }
  }
  return corpus;
}

/** `importRpmFiles` over the corpus into a new store, with the packages' sha256 known (as from repodata). */
async function groveBatch(corpus: Corpus, concurrency: number, threads: boolean): Promise<void> {
  const storeDir = await scratch("grove");
  const store = await initStore(storeDir);
  const items = corpus.files.map((file) => ({ file, sha256: corpus.sha256.get(file) as string }));
  for await (const result of importRpmFiles(store, items, { concurrency, threads })) {
    if ("error" in result) throw result.error;
  }
}

async function groveProcesses(corpus: Corpus, procs: number): Promise<void> {
  const storeDir = await scratch("grove-procs");
  await initStore(storeDir);
  const lists: string[][] = Array.from({ length: procs }, () => []);
  // Deal by size so the shares take about as long.
  const bySize = [...corpus.files].sort((a, b) => statSync(b).size - statSync(a).size);
  for (const [i, f] of bySize.entries()) lists[i % procs]?.push(f);
  const listFiles: string[] = [];
  for (const [i, list] of lists.entries()) {
    const lf = path.join(storeDir, `list-${i}.json`);
    await writeFile(lf, JSON.stringify(list.map((f) => [f, corpus.sha256.get(f)])));
    listFiles.push(lf);
  }
  const self = fileURLToPath(import.meta.url);
  await Promise.all(
    listFiles.map(
      (lf) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, [self, "--child", storeDir, lf], { stdio: "inherit" });
          child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}`))));
        }),
    ),
  );
}

async function cpioExtract(corpus: Corpus, jobs: number): Promise<void> {
  const root = await scratch("cpio");
  let n = 0;
  await pool(corpus.files, jobs, async (file) => {
    const dir = path.join(root, String(n++));
    await mkdir(dir);
    await execFileAsync("sh", ["-c", 'rpm2cpio "$1" | cpio -idm --quiet --no-absolute-filenames', "sh", file], {
      cwd: dir,
    }).catch(async () => {
      // rpm 4.18's rpm2cpio cannot write v6 packages as cpio; its rpm2archive can (as tar).
      await execFileAsync("sh", ["-c", 'rpm2archive - < "$1" | tar -xzf -', "sh", file], { cwd: dir });
    });
  });
}

async function timeReimport(corpus: Corpus): Promise<{ bySha256: number; byFile: number }> {
  const storeDir = await scratch("reimport");
  const store: Store = await initStore(storeDir);
  for (const file of corpus.files) await importRpm(store, file, { sha256: corpus.sha256.get(file) as string });
  const measure = async (fn: (file: string) => Promise<unknown>): Promise<number> => {
    for (const file of corpus.files.slice(0, 10)) await fn(file); // warm up
    const rounds = 5;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const file of corpus.files) await fn(file);
    return (performance.now() - t0) / (rounds * corpus.files.length);
  };
  const bySha256 = await measure(async (file) => {
    const r = await importRpm(store, file, { sha256: corpus.sha256.get(file) as string });
    if (!r.alreadyImported) throw new Error(`${file} was imported again`);
  });
  const byFile = await measure(async (file) => {
    const r = await importRpm(store, file);
    if (!r.alreadyImported) throw new Error(`${file} was imported again`);
  });
  return { bySha256, byFile };
}

async function runChild(storeDir: string, listFile: string): Promise<void> {
  const store = await openStore(storeDir);
  const list = JSON.parse(readFileSync(listFile, "utf8")) as Array<[string, string]>;
  await store.withLock(async () => {
    for (const [file, sha256] of list) await importRpm(store, file, { sha256 });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

function measurements(jobs: number): Measurement[] {
  const m = (key: string, label: string, run: (corpus: Corpus) => Promise<void>): Measurement => ({
    key,
    label,
    run,
    wall: [],
    cpu: [],
  });
  return [
    m("grove-1", "grove, 1 package at a time", (c) => groveBatch(c, 1, false)),
    m("grove-N", `grove, ${jobs} worker threads`, (c) => groveBatch(c, jobs, true)),
    m("grove-N-inproc", `grove, ${jobs} packages in flight on one thread`, (c) => groveBatch(c, jobs, false)),
    m("grove-procs", `grove, ${jobs} processes, one store`, (c) => groveProcesses(c, jobs)),
    m("cpio-1", "rpm2cpio \\| cpio -idm, 1 at a time", (c) => cpioExtract(c, 1)),
    m("cpio-N", `rpm2cpio \\| cpio -idm, ${jobs} at a time`, (c) => cpioExtract(c, jobs)),
  ];
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      jobs: { type: "string", default: "2" },
      runs: { type: "string", default: "3" },
      only: { type: "string" },
      child: { type: "boolean", default: false },
    },
  });
  if (values.child) return runChild(positionals[0] as string, positionals[1] as string);
  try {
    await measureAll(values, positionals);
  } finally {
    if (scratchRoot !== undefined) await rm(scratchRoot, { recursive: true, force: true });
  }
}

async function measureAll(values: { jobs: string; runs: string; only?: string | undefined }, positionals: string[]) {
  const jobs = Number(values.jobs);
  const runs = Number(values.runs);
  const dirs = positionals.length > 0 ? positionals.map((d) => path.resolve(d)) : defaultCorpus();
  const name = dirs.map((d) => path.relative(repoRoot, d) || d).join(" ");
  const machine = machineInfo(repoRoot);
  const corpus = await loadCorpus(name, dirs);
  const only = values.only?.split(",");
  const all = measurements(jobs).filter((x) => only === undefined || only.includes(x.key));
  const loads: number[] = [];
  for (let r = 0; r < runs; r++) {
    // Rotate the order, so that no measurement always runs right after the same other one.
    const order = all.map((_, i) => all[(i + r) % all.length] as Measurement);
    for (const x of order) {
      loads.push(loadavg()[0] ?? 0);
      const t = await timed(() => x.run(corpus));
      x.wall.push(t.wall);
      x.cpu.push(t.cpu);
      process.stderr.write(`run ${r + 1}: ${x.key} ${t.wall.toFixed(2)} s wall, ${t.cpu.toFixed(2)} s CPU\n`);
    }
  }
  const re = await timeReimport(corpus);
  const check = createHash("sha256").update(corpus.files.join("\n")).digest("hex").slice(0, 12);
  const mb = corpus.payloadBytes / 1e6;
  const lines = [
    `corpus ${corpus.name}: ${corpus.files.length} packages (${(corpus.packageBytes / 1e6).toFixed(1)} MB), ${corpus.entries} entries, ${mb.toFixed(1)} MB of file content (list ${check})`,
    `${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, commit ${machine.commit}, ${machine.date}`,
    `load average ${machine.loadAtStart.join(" ")} at start, ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during the runs; median of ${runs} runs`,
    "",
    row(["", "wall s", "MB/s (file content)", "CPU s", "cores used"]),
    row(["---", "---:", "---:", "---:", "---:"]),
    ...all.map((x) => {
      const wall = median(x.wall);
      const cpu = median(x.cpu);
      return row([x.label, wall.toFixed(2), (mb / wall).toFixed(1), cpu.toFixed(2), (cpu / wall).toFixed(2)]);
    }),
    "",
    `re-import per package: ${(re.bySha256 * 1000).toFixed(0)} µs by known sha256, ${(re.byFile * 1000).toFixed(0)} µs by file (hash)`,
    "",
  ];
  process.stdout.write(lines.join("\n"));
}

/** Every `bench/out/<name>/Packages` directory: the realistic corpus. */
function defaultCorpus(): string[] {
  const benchOut = path.join(benchDir, "out");
  if (!existsSync(benchOut))
    throw new Error("no corpus: build one with bench/make-corpus (see bench/corpus/README.md)");
  return readdirSync(benchOut)
    .sort()
    .map((name) => path.join(benchOut, name, "Packages"))
    .filter((d) => existsSync(d));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
