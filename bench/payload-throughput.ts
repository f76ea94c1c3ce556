/**
 * Payload throughput benchmark: grove's full payload streaming (decompress + cpio + per-file digests +
 * payload digests) against grove's decompressor alone, for each payload compression.
 *
 * It builds one ~100 MB package per compressor with rpmbuild from a copy of system files (ELF libraries from
 * /usr/lib/x86_64-linux-gnu and headers from /usr/include), cached under bench/cache/payload-throughput/.
 *
 *   npx tsc -b bench && node bench/dist/payload-throughput.js [--size-mb 100] [--runs 5] [--compressors zstd,xz]
 *
 * With `--candidates DIR` it instead measures the decoder libraries considered for each format (installed in
 * DIR/node_modules, outside the repository; see docs/dependencies.md) on the same payloads.
 */
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import path from "node:path";
import { Readable, type Transform } from "node:stream";
import { fileURLToPath } from "node:url";
import { createGunzip, type ZlibOptions } from "node:zlib";
import { machineInfo } from "./runner/machine-info.js";

// Internals of @grove/rpm (the decompressor alone is not public API): loaded from its dist/ directory,
// relative to this file's compiled location (bench/dist/).
const rpmDist = new URL("../../packages/rpm/dist/", import.meta.url);
const { readPackageHeaders } = (await import(
  new URL("header/index.js", rpmDist).href
)) as typeof import("../packages/rpm/dist/header/index.js");
const { ByteReader } = (await import(
  new URL("io/byte-reader.js", rpmDist).href
)) as typeof import("../packages/rpm/dist/io/byte-reader.js");
const { decompressPayload } = (await import(
  new URL("payload/decompress.js", rpmDist).href
)) as typeof import("../packages/rpm/dist/payload/decompress.js");
const { readRpmFile } = (await import(
  new URL("read-rpm.js", rpmDist).href
)) as typeof import("../packages/rpm/dist/read-rpm.js");
const { readFileChunks } = (await import(
  new URL("read-file-chunks.js", rpmDist).href
)) as typeof import("../packages/rpm/dist/read-file-chunks.js");

type Compressor = "none" | "gzip" | "bzip2" | "xz" | "lzma" | "zstd";

/** rpmbuild `_binary_payload` per compressor: the levels distributions use (Fedora zstd 19, RHEL xz 2). */
const PAYLOAD_IO: Record<Compressor, string> = {
  none: "w.ufdio",
  gzip: "w9.gzdio",
  bzip2: "w9.bzdio",
  xz: "w2.xzdio",
  lzma: "w6.lzdio",
  zstd: "w19.zstdio",
};

const ALL: Compressor[] = ["none", "gzip", "zstd", "xz", "lzma", "bzip2"];

interface Options {
  sizeMb: number;
  runs: number;
  compressors: Compressor[];
  candidates: string | undefined;
  /** Internal: measure one candidate (child process of `--candidates`). */
  one: { compressor: Compressor; name: string } | undefined;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { sizeMb: 100, runs: 5, compressors: ALL, candidates: undefined, one: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === "--size-mb" && value !== undefined) options.sizeMb = Number(value);
    else if (arg === "--runs" && value !== undefined) options.runs = Number(value);
    else if (arg === "--compressors" && value !== undefined) options.compressors = value.split(",") as Compressor[];
    else if (arg === "--candidates" && value !== undefined) options.candidates = path.resolve(value);
    else if (arg === "--one" && value !== undefined && argv[i + 2] !== undefined) {
      options.one = { compressor: value as Compressor, name: argv[i + 2] as string };
      i++;
    } else throw new Error(`unknown argument ${arg}`);
    i++;
  }
  return options;
}

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = path.join(benchDir, "cache", "payload-throughput");

/** Regular files under `root` in sorted order (symlinks and names with shell/spec specials skipped). */
function* walk(root: string): Generator<string> {
  const names = readdirSync(root).sort();
  for (const name of names) {
    if (/[\s"'\\%$[\]*?{}]/.test(name)) continue;
    const full = path.join(root, name);
    const stat = lstatSync(full);
    if (stat.isDirectory()) yield* walk(full);
    else if (stat.isFile()) yield full;
  }
}

/** The file list of the benchmark package: 75 % ELF libraries, the rest headers, `sizeMb` MiB in all. */
function corpusFiles(sizeMb: number): string[] {
  const target = sizeMb * 1024 * 1024;
  const picked: string[] = [];
  let total = 0;
  for (const [root, share] of [
    ["/usr/lib/x86_64-linux-gnu", 0.75],
    ["/usr/include", 1],
  ] as const) {
    for (const file of walk(root)) {
      const size = lstatSync(file).size;
      if (total + size > target * share) continue;
      picked.push(file);
      total += size;
    }
  }
  return picked;
}

const SPEC = `Name: grove-payload-bench
Version: 1
Release: 1
Summary: grove payload throughput benchmark
License: various
BuildArch: x86_64
%global debug_package %{nil}
%global __os_install_post %{nil}
%global _build_id_links none
%description
Copies of system files, to measure payload reading speed.
%install
while read -r f; do mkdir -p "%{buildroot}/bench$(dirname "$f")"; cp -p "$f" "%{buildroot}/bench$f"; done < %{filelist}
%files
/bench
`;

/** Builds (or finds in the cache) the benchmark package for each compressor. */
function buildPackages(options: Options): Map<Compressor, string> {
  const dir = path.join(cacheDir, `${options.sizeMb}mb`);
  mkdirSync(dir, { recursive: true });
  const out = new Map<Compressor, string>();
  const missing = options.compressors.filter((c) => !existsSync(path.join(dir, `${c}.rpm`)));
  if (missing.length > 0) {
    const files = corpusFiles(options.sizeMb);
    const listFile = path.join(dir, "files.txt");
    writeFileSync(listFile, `${files.join("\n")}\n`);
    writeFileSync(path.join(dir, "bench.spec"), SPEC);
    for (const compressor of missing) {
      const top = path.join(dir, "rpmbuild");
      process.stderr.write(`building ${compressor} package (${files.length} files) ...\n`);
      execFileSync(
        "rpmbuild",
        [
          "-bb",
          "--quiet",
          "--define",
          `_topdir ${top}`,
          "--define",
          `filelist ${listFile}`,
          "--define",
          `_binary_payload ${PAYLOAD_IO[compressor]}`,
          path.join(dir, "bench.spec"),
        ],
        { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 256 << 20 },
      );
      renameSync(
        path.join(top, "RPMS", "x86_64", "grove-payload-bench-1-1.x86_64.rpm"),
        path.join(dir, `${compressor}.rpm`),
      );
    }
  }
  for (const compressor of options.compressors) out.set(compressor, path.join(dir, `${compressor}.rpm`));
  return out;
}

function fileChunks(file: string, start = 0): AsyncIterable<Uint8Array> {
  return createReadStream(file, { start, highWaterMark: 1 << 20 });
}

/** Offset of the payload in a package file and the header's payload size. */
async function payloadOffset(file: string): Promise<{ offset: number; payloadSize: number }> {
  const reader = new ByteReader(fileChunks(file), file);
  const headers = await readPackageHeaders(reader, { verify: false });
  return { offset: reader.position, payloadSize: headers.payloadSize ?? 0 };
}

/**
 * grove's decompressor alone, fed exactly as in a full read (same file reader, headers parsed without
 * verification), decompressing and counting.
 */
async function rawDecompress(file: string, compressor: Compressor): Promise<number> {
  const handle = await open(file, "r");
  try {
    const reader = new ByteReader(readFileChunks(handle, file), file);
    const headers = await readPackageHeaders(reader, { verify: false });
    let bytes = 0;
    for await (const chunk of decompressPayload(compressor, reader.rest(), file, headers.payloadSize ?? 0)) {
      bytes += chunk.length;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** grove's full payload reading: headers, decompression, cpio, every digest. */
async function fullRead(file: string): Promise<number> {
  const result = await readRpmFile(file);
  return result.payloadBytes;
}

/** Wall-clock and CPU time (all threads of the process: main, workers, thread pool) of one run. */
async function timed(run: () => Promise<number>): Promise<{ bytes: number; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const bytes = await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { bytes, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function mbps(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(" | ")} |`;
}

async function benchGrove(options: Options): Promise<void> {
  const packages = buildPackages(options);
  const machine = machineInfo(path.resolve(benchDir, ".."));
  console.log(
    `${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, commit ${machine.commit}, ${machine.date}, load average ${machine.loadAtStart.join(" ")} at start`,
  );
  console.log(`median of ${options.runs} runs; MB/s of decompressed payload, per wall-clock second and per CPU`);
  console.log("second (CPU time of all the process's threads: the cost, whatever else runs on the machine)\n");
  console.log(
    row([
      "compressor",
      "package MB",
      "payload MB",
      "raw decompressor MB/s",
      "grove full read MB/s",
      "ratio (wall)",
      "raw MB per CPU-s",
      "full MB per CPU-s",
      "ratio (CPU)",
    ]),
  );
  console.log(row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]));
  const loads: number[] = [];
  for (const [compressor, file] of packages) {
    const raw: number[] = [];
    const full: number[] = [];
    const rawCpu: number[] = [];
    const fullCpu: number[] = [];
    let payloadBytes = 0;
    await rawDecompress(file, compressor); // warm-up (JIT, page cache)
    await fullRead(file);
    for (let run = 0; run < options.runs; run++) {
      const r = await timed(() => rawDecompress(file, compressor));
      const f = await timed(() => fullRead(file));
      if (r.bytes !== f.bytes) throw new Error(`${compressor}: raw ${r.bytes} bytes but full read ${f.bytes}`);
      payloadBytes = f.bytes;
      raw.push(mbps(r.bytes, r.seconds));
      full.push(mbps(f.bytes, f.seconds));
      rawCpu.push(mbps(r.bytes, r.cpuSeconds));
      fullCpu.push(mbps(f.bytes, f.cpuSeconds));
    }
    loads.push(loadavg()[0] ?? 0);
    const percent = (a: number, b: number): string => `${((100 * a) / b).toFixed(0)} %`;
    console.log(
      row([
        compressor,
        (lstatSync(file).size / 1e6).toFixed(1),
        (payloadBytes / 1e6).toFixed(1),
        median(raw).toFixed(0),
        median(full).toFixed(0),
        percent(median(full), median(raw)),
        median(rawCpu).toFixed(0),
        median(fullCpu).toFixed(0),
        percent(median(fullCpu), median(rawCpu)),
      ]),
    );
  }
  console.log(`\nload average after each compressor: ${loads.map((l) => l.toFixed(1)).join(", ")}`);
}

/** A candidate decoder: compressed chunks in, decompressed byte count out. */
type Candidate = (input: AsyncIterable<Uint8Array>) => Promise<number>;

async function countThrough(input: AsyncIterable<Uint8Array>, transform: Transform): Promise<number> {
  Readable.from(input).pipe(transform);
  let bytes = 0;
  for await (const chunk of transform) bytes += (chunk as Uint8Array).length;
  return bytes;
}

async function collect(input: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of input) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The decoders considered, by format, loaded from `dir/node_modules` (see docs/dependencies.md). */
function candidates(dir: string): Record<Compressor, Record<string, Candidate>> {
  const load = createRequire(path.join(dir, "node_modules", "index.js"));
  // biome-ignore lint/suspicious/noExplicitAny: third-party modules without types, loaded dynamically
  const req = (name: string): any => load(name);
  // CommonJS packages imported from ESM put their exports under `default`.
  const importFrom = async (name: string): Promise<Record<string, unknown>> => {
    const module = (await import(load.resolve(name))) as Record<string, unknown>;
    const keys = Object.keys(module).filter((key) => key !== "__esModule");
    return keys.length === 1 && keys[0] === "default" ? (module.default as Record<string, unknown>) : module;
  };
  return {
    none: {},
    gzip: {
      "node:zlib (16 KiB chunks)": (input) => countThrough(input, createGunzip()),
      "node:zlib (128 KiB chunks)": (input) =>
        countThrough(input, createGunzip({ chunkSize: 128 << 10 } as ZlibOptions)),
    },
    zstd: {
      "zstd-napi (DecompressStream)": (input) => countThrough(input, new (req("zstd-napi").DecompressStream)()),
      "zstddec (decodeStreaming over buffered input)": async (input) => {
        const { ZSTDDecoder } = (await importFrom("zstddec/stream")) as {
          ZSTDDecoder: new () => {
            init(): Promise<void>;
            decodeStreaming(a: Iterable<Uint8Array>): Iterable<Uint8Array>;
          };
        };
        const decoder = new ZSTDDecoder();
        await decoder.init();
        const chunks: Uint8Array[] = [];
        for await (const chunk of input) chunks.push(chunk);
        let bytes = 0;
        for (const out of decoder.decodeStreaming(chunks)) bytes += out.length;
        return bytes;
      },
      "zstd-codec (ZstdDecompressTransform)": async (input) => {
        const streams = await new Promise<{ ZstdDecompressTransform: new () => Transform }>((resolve) =>
          req("zstd-codec/lib/zstd-stream").run(resolve),
        );
        return countThrough(input, new streams.ZstdDecompressTransform());
      },
      "fzstd (push stream)": async (input) => {
        let bytes = 0;
        const decoder = new (req("fzstd").Decompress)((chunk: Uint8Array) => {
          bytes += chunk.length;
        });
        for await (const chunk of input) decoder.push(chunk);
        decoder.push(new Uint8Array(0), true);
        return bytes;
      },
    },
    xz: {
      "lzma-native (async)": (input) => countThrough(input, req("lzma-native").createDecompressor()),
      "node-liblzma@4 (createUnxz)": async (input) =>
        countThrough(input, ((await importFrom("node-liblzma")).createUnxz as () => Transform)()),
      "xz-compat (pure JS)": async (input) => {
        process.env.LZMA_NATIVE_DISABLE = "1"; // else it delegates to lzma-native (or installs it at run time)
        return countThrough(input, ((await importFrom("xz-compat")).createXZDecoder as () => Transform)());
      },
    },
    lzma: {
      "lzma-native (async)": (input) => countThrough(input, req("lzma-native").createDecompressor()),
    },
    bzip2: {
      "unbzip2-stream (streaming)": (input) =>
        new Promise<number>((resolve, reject) => {
          const decoder = req("unbzip2-stream")();
          let bytes = 0;
          decoder.on("data", (chunk: Uint8Array) => {
            bytes += chunk.length;
          });
          decoder.on("end", () => resolve(bytes));
          decoder.on("error", reject);
          Readable.from(input).pipe(decoder);
        }),
      "seek-bzip (one-shot, whole input in memory)": async (input) =>
        req("seek-bzip").decode(await collect(input)).length,
      "@foxglove/wasm-bz2 (one-shot, needs output size)": async (input) => {
        const module = req("@foxglove/wasm-bz2");
        const bz2 = await (module.default ?? module).init();
        return bz2.decompress(await collect(input), 128 << 20, { small: false }).length;
      },
    },
  };
}

/** The candidates of one format, grove's own decoder first. */
function candidatesFor(compressor: Compressor, dir: string, file: string): Record<string, Candidate> {
  const grove: Candidate = async (input) => {
    let bytes = 0;
    for await (const chunk of decompressPayload(compressor, input, file, 0)) bytes += chunk.length;
    return bytes;
  };
  return { "grove decompressPayload (inline)": grove, ...candidates(dir)[compressor] };
}

/** Measures one candidate in this process (run by {@link benchCandidates} in a child, for a clean peak RSS). */
async function measureOne(options: Options, dir: string, compressor: Compressor, name: string): Promise<void> {
  const file = buildPackages({ ...options, compressors: [compressor] }).get(compressor) as string;
  const { offset } = await payloadOffset(file);
  const decode = candidatesFor(compressor, dir, file)[name] as Candidate;
  const speeds: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    const { bytes, seconds } = await timed(() => decode(fileChunks(file, offset)));
    speeds.push(mbps(bytes, seconds));
  }
  console.log(JSON.stringify({ mbps: median(speeds), rssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** Runs one measurement of one candidate in a child process; `undefined` with the reason when it fails. */
function measureInChild(
  options: Options,
  dir: string,
  compressor: Compressor,
  name: string,
): { mbps: number; rssMb: number } | { failure: string } {
  const args = [fileURLToPath(import.meta.url), "--candidates", dir, "--runs", "1"];
  args.push("--size-mb", String(options.sizeMb), "--one", compressor, name);
  try {
    const out = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return JSON.parse(out.trim().split("\n").pop() as string) as { mbps: number; rssMb: number };
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message);
    const reason = stderr.split("\n").find((line) => /Error/.test(line)) ?? stderr.slice(0, 100);
    return { failure: reason.trim().slice(0, 100) };
  }
}

/**
 * Measures every candidate decoder, each run in a fresh process (clean peak RSS), the candidates of a format
 * taking turns run after run so that load from elsewhere on the machine spreads evenly over them.
 */
async function benchCandidates(options: Options, dir: string): Promise<void> {
  const packages = buildPackages(options);
  console.log(`node ${process.version}, median of ${options.runs} runs, MB/s of decompressed payload;`);
  console.log("each run in a fresh process, the candidates of a format taking turns; peak RSS of that process\n");
  console.log(row(["format", "decoder", "MB/s", "peak RSS MB"]));
  console.log(row(["---", "---", "---:", "---:"]));
  for (const [compressor, file] of packages) {
    const names = Object.keys(candidatesFor(compressor, dir, file));
    const speeds = new Map<string, number[]>(names.map((name) => [name, []]));
    const rss = new Map<string, number>();
    const failures = new Map<string, string>();
    for (let run = 0; run < options.runs; run++) {
      for (const name of names) {
        if (failures.has(name)) continue;
        const result = measureInChild(options, dir, compressor, name);
        if ("failure" in result) {
          failures.set(name, result.failure);
          continue;
        }
        speeds.get(name)?.push(result.mbps);
        rss.set(name, Math.max(rss.get(name) ?? 0, result.rssMb));
      }
    }
    for (const name of names) {
      const failure = failures.get(name);
      if (failure !== undefined) console.log(row([compressor, name, `fails: ${failure}`, ""]));
      else
        console.log(
          row([compressor, name, median(speeds.get(name) ?? []).toFixed(0), (rss.get(name) ?? 0).toFixed(0)]),
        );
    }
  }
}

const options = parseArgs(process.argv.slice(2));
if (options.one !== undefined && options.candidates !== undefined) {
  await measureOne(options, options.candidates, options.one.compressor, options.one.name);
} else if (options.candidates === undefined) {
  await benchGrove(options);
} else {
  await benchCandidates(options, options.candidates);
}
