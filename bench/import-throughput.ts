/**
 * `bench/import-throughput`: grove's RPM import against `rpm2cpio | cpio -idm` on the same packages,
 * and the cost of re-importing a package that is already in the store.
 *
 * ```
 * node bench/dist/import-throughput.js [--jobs N] [DIR...]
 * ```
 * Each DIR is a corpus: every `.rpm` below it (default: the shared real fixtures, then each
 * `bench/out/<name>/Packages` that exists). Packages grove refuses (the fixtures' deliberately broken
 * ones) are left out of both sides. Every run starts from an empty store / directory on the same
 * file system (`$TMPDIR`), with the packages in the page cache. Reported:
 * - grove, one process importing with 1 and with N packages in flight;
 * - grove, N processes importing disjoint halves into one store at once (the store is multi-process safe);
 * - `rpm2cpio | cpio`, one package at a time and N at a time;
 * - re-import per package: by known sha256 (a lookup) and by file (one hash of the file).
 * @packageDocumentation
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { initStore, openStore, type Store } from "@grove/core";
import { importRpm } from "@grove/rpm";

const execFileAsync = promisify(execFile);
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(benchDir, "..");

interface Corpus {
  name: string;
  files: string[];
  sha256: Map<string, string>;
  payloadBytes: number;
  entries: number;
}

interface Timing {
  label: string;
  seconds: number;
  cpuSeconds?: number;
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
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function scratch(label: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `grove-bench-${label}-`));
}

/** Imports every package once to learn which ones grove accepts, their payload sizes and sha256s (and warm the cache). */
async function loadCorpus(name: string, dir: string): Promise<Corpus> {
  const storeDir = await scratch("probe");
  try {
    const store = await initStore(storeDir);
    const corpus: Corpus = { name, files: [], sha256: new Map(), payloadBytes: 0, entries: 0 };
    for (const file of listRpms(dir)) {
      try {
        const r = await importRpm(store, file);
        corpus.files.push(file);
        corpus.sha256.set(file, r.sha256);
        const commit = await store.readCommit(r.commitId);
        corpus.entries += commit.entries.length;
        for (const e of commit.entries)
          if (e.type === "file" && e.object !== undefined) corpus.payloadBytes += e.size ?? 0;
      } catch {
        // refused by grove (broken package): left out of both sides
      }
    }
    return corpus;
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

async function timeGrove(corpus: Corpus, jobs: number): Promise<Timing> {
  const storeDir = await scratch("grove");
  try {
    const store = await initStore(storeDir);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await pool(corpus.files, jobs, async (file) => {
      await importRpm(store, file, { sha256: corpus.sha256.get(file)! });
    });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { label: `grove, 1 process, ${jobs} in flight`, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

async function timeGroveProcesses(corpus: Corpus, procs: number): Promise<Timing> {
  const storeDir = await scratch("grove-procs");
  try {
    await initStore(storeDir);
    const lists: string[][] = Array.from({ length: procs }, () => []);
    // Deal by size so the halves take about as long.
    const bySize = [...corpus.files].sort((a, b) => statSync(b).size - statSync(a).size);
    for (const [i, f] of bySize.entries()) lists[i % procs]!.push(f);
    const listFiles: string[] = [];
    for (const [i, list] of lists.entries()) {
      const lf = path.join(storeDir, `list-${i}.json`);
      await writeFile(lf, JSON.stringify(list.map((f) => [f, corpus.sha256.get(f)])));
      listFiles.push(lf);
    }
    const self = fileURLToPath(import.meta.url);
    const t0 = performance.now();
    await Promise.all(
      listFiles.map(
        (lf) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [self, "--child", storeDir, lf], { stdio: "inherit" });
            child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}`))));
          }),
      ),
    );
    return { label: `grove, ${procs} processes, one store`, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

async function timeCpio(corpus: Corpus, jobs: number): Promise<Timing> {
  const root = await scratch("cpio");
  try {
    let n = 0;
    const t0 = performance.now();
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
    return { label: `rpm2cpio | cpio -idm, ${jobs} at a time`, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function timeReimport(corpus: Corpus): Promise<{ bySha256: number; byFile: number }> {
  const storeDir = await scratch("reimport");
  try {
    const store: Store = await initStore(storeDir);
    for (const file of corpus.files) await importRpm(store, file, { sha256: corpus.sha256.get(file)! });
    const measure = async (fn: (file: string) => Promise<unknown>): Promise<number> => {
      for (const file of corpus.files.slice(0, 10)) await fn(file); // warm up
      const rounds = 5;
      const t0 = performance.now();
      for (let r = 0; r < rounds; r++) for (const file of corpus.files) await fn(file);
      return (performance.now() - t0) / (rounds * corpus.files.length);
    };
    const bySha256 = await measure(async (file) => {
      const r = await importRpm(store, file, { sha256: corpus.sha256.get(file)! });
      if (!r.alreadyImported) throw new Error(`${file} was imported again`);
    });
    const byFile = await measure(async (file) => {
      const r = await importRpm(store, file);
      if (!r.alreadyImported) throw new Error(`${file} was imported again`);
    });
    return { bySha256, byFile };
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

async function runChild(storeDir: string, listFile: string): Promise<void> {
  const store = await openStore(storeDir);
  const list = JSON.parse(readFileSync(listFile, "utf8")) as Array<[string, string]>;
  for (const [file, sha256] of list) await importRpm(store, file, { sha256 });
}

function fmt(t: Timing, corpus: Corpus): string {
  const mbs = corpus.payloadBytes / 1e6 / t.seconds;
  const cpu =
    t.cpuSeconds === undefined
      ? ""
      : `  cpu ${t.cpuSeconds.toFixed(2)} s (${(t.cpuSeconds / t.seconds).toFixed(2)} cores)`;
  return `  ${t.label.padEnd(40)} ${t.seconds.toFixed(3).padStart(8)} s  ${mbs.toFixed(1).padStart(7)} MB/s${cpu}`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { jobs: { type: "string", default: "2" }, child: { type: "boolean", default: false } },
  });
  if (values.child) return runChild(positionals[0]!, positionals[1]!);
  const jobs = Number(values.jobs);
  const dirs = positionals.length > 0 ? positionals.map((d) => path.resolve(d)) : defaultCorpora();
  for (const dir of dirs) {
    const name = path.relative(repoRoot, dir) || dir;
    const corpus = await loadCorpus(name, dir);
    const results: Timing[] = [];
    results.push(await timeGrove(corpus, 1));
    results.push(await timeGrove(corpus, jobs));
    results.push(await timeGroveProcesses(corpus, jobs));
    results.push(await timeCpio(corpus, 1));
    results.push(await timeCpio(corpus, jobs));
    const re = await timeReimport(corpus);
    const check = createHash("sha256").update(corpus.files.join("\n")).digest("hex").slice(0, 12);
    process.stdout.write(
      [
        `corpus ${name}: ${corpus.files.length} packages, ${corpus.entries} entries, ${(corpus.payloadBytes / 1e6).toFixed(1)} MB of file content (list ${check})`,
        ...results.map((t) => fmt(t, corpus)),
        `  re-import per package: ${(re.bySha256 * 1000).toFixed(0)} µs by known sha256, ${(re.byFile * 1000).toFixed(0)} µs by file (hash)`,
        "",
      ].join("\n"),
    );
  }
}

function defaultCorpora(): string[] {
  const out = [path.resolve(repoRoot, "../shared/fixtures/real-rpms")];
  const benchOut = path.join(benchDir, "out");
  if (existsSync(benchOut)) {
    for (const name of readdirSync(benchOut).sort()) {
      const pkgs = path.join(benchOut, name, "Packages");
      if (existsSync(pkgs)) out.push(pkgs);
    }
  }
  return out.filter((d) => existsSync(d));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
