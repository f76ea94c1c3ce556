/**
 * `bench/make-corpus`: build the benchmark corpus.
 *
 * ```
 * bench/make-corpus [--cache DIR] [--jobs 1|2] OUTDIR PKG...          corpus: closure of PKG as RPMs + repodata
 * bench/make-corpus --update [--cache DIR] [--jobs 1|2] OUTDIR PKG...  update repo: PKG rebuilt, release bumped
 * bench/make-corpus --scale OUTDIR                                   metadata-only repo of Debian's amd64 index
 * ```
 * @packageDocumentation
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { GroveError, isGroveError } from "@grove/core";
import { buildCorpus, buildUpdate, type CorpusResult } from "./corpus-builder.js";
import { buildScaleRepo } from "./scale-index.js";

const USAGE = `usage:
  bench/make-corpus [--cache DIR] [--jobs 1|2] OUTDIR PKG...
  bench/make-corpus --update [--cache DIR] [--jobs 1|2] OUTDIR PKG...
  bench/make-corpus --scale OUTDIR

  OUTDIR   repository directory to write (e.g. bench/out/apache2); cleared if a previous run wrote it
  --cache  download and conversion cache (default: bench/cache)
  --jobs   parallel rpmbuild processes (default 2)`;

/** `bench/` (this file runs from `bench/dist/corpus/`). */
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function report(result: CorpusResult, outDir: string): string {
  const t = result.manifest.totals;
  const s = result.seconds;
  return [
    `${result.manifest.kind} ${outDir}: ${t.packages} packages (${result.built} built, ${result.cached} cached)`,
    `  ${t.entries} file entries, ${mib(t.contentBytes)} of file content, ${mib(t.rpmBytes)} of .rpm files`,
    `  time: ${s.total} s (closure ${s.closure} s, download ${s.download} s, convert ${s.convert} s, repodata ${s.repodata} s)`,
    `  install set: ${result.manifest.installSet.join(" ")}`,
  ].join("\n");
}

/** Run the command line; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [outArg, ...packages] = positionals;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (outArg === undefined || (values.scale !== true && packages.length === 0)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const outDir = path.resolve(outArg);
  const cacheDir = path.resolve(values.cache ?? path.join(benchDir, "cache"));
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  try {
    if (values.scale === true && values.update === true) {
      throw new GroveError("CORPUS_USAGE", "--scale and --update cannot be combined");
    }
    if (values.scale === true) {
      if (packages.length > 0) throw new GroveError("CORPUS_USAGE", "--scale takes no package names");
      const { manifest, seconds } = await buildScaleRepo(outDir, log);
      process.stdout.write(
        `scale ${outDir}: ${manifest.packages} packages from ${manifest.indexes.length} lists (${manifest.duplicates} duplicates skipped) in ${seconds} s\n`,
      );
      return 0;
    }
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    const options = { outDir, packages, cacheDir, log, ...(jobs === undefined ? {} : { jobs }) };
    const result = values.update === true ? await buildUpdate(options) : await buildCorpus(options);
    process.stdout.write(`${report(result, outDir)}\n`);
    return 0;
  } catch (err) {
    if (!isGroveError(err)) throw err;
    process.stderr.write(`make-corpus: ${err.code}: ${err.message}\n`);
    if (err.hint !== undefined) process.stderr.write(`  hint: ${err.hint}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      update: { type: "boolean" },
      scale: { type: "boolean" },
      cache: { type: "string" },
      jobs: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
