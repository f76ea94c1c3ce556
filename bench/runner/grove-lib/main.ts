/**
 * The library stand-in for the grove CLI: the same work `grove assemble / upgrade / solve / rm` does, written
 * directly against `@grove/repo`, `@grove/rpm` and `@grove/checkout`, so the benchmark can measure grove before
 * (or without) the CLI. Each verb runs as its own process, as the CLI would, and prints one JSON line.
 *
 * ```
 * node bench/dist/runner/grove-lib/main.js assemble DIR NAME SPEC...   # solve, download, import, assemble
 * node bench/dist/runner/grove-lib/main.js upgrade DIR NAME            # re-solve the recorded request
 * node bench/dist/runner/grove-lib/main.js solve DIR SPEC...           # solve only
 * node bench/dist/runner/grove-lib/main.js rm DIR NAME
 * ```
 * The repositories are those of `DIR/bench-repos.json`. An upgrade re-solves the root's recorded request over
 * every repository and assembles a new generation (merging `/etc` and `/var`) unless the package set is
 * unchanged, in which case nothing is written.
 * @packageDocumentation
 */
import { assembleRoot, getRoot, removeRoot } from "@grove/checkout";
import { GroveError, initStore, type JsonValue, openStore } from "@grove/core";
import { readBenchRepos } from "./bench-repos.js";
import { commitsFor, loadBenchRepos, solveSpecs } from "./resolve-packages.js";

type Result = Record<string, JsonValue>;

async function assemble(dir: string, name: string, specs: string[]): Promise<Result> {
  if (specs.length === 0) throw new GroveError("BENCH_USAGE", "assemble: no packages named");
  const store = await initStore(dir);
  const repoSet = await loadBenchRepos(dir, readBenchRepos(dir));
  const solved = await solveSpecs(repoSet, specs);
  const resolved = await commitsFor(store, repoSet, solved);
  const result = await assembleRoot(store, {
    name,
    packages: resolved.packages,
    request: { install: specs },
    mergeFrom: "current",
  });
  return {
    verb: "assemble",
    packages: resolved.packages.length,
    downloaded: resolved.downloaded,
    generation: result.generation,
    path: result.path,
  };
}

async function upgrade(dir: string, name: string): Promise<Result> {
  const store = await openStore(dir);
  const root = getRoot(store, name);
  const current = root.generations.find((g) => g.current)?.state;
  const request = current?.request as { install?: unknown } | null | undefined;
  const specs = Array.isArray(request?.install) ? request.install.map(String) : [];
  if (current === undefined || specs.length === 0) {
    throw new GroveError("BENCH_NO_REQUEST", `root ${name} has no current generation with a recorded request`);
  }
  const repoSet = await loadBenchRepos(dir, readBenchRepos(dir));
  const solved = await solveSpecs(repoSet, specs);
  const before = new Set(current.packages.map((p) => p.sha256));
  const changed = solved.filter((p) => !before.has(p.checksum.value)).length;
  if (changed === 0 && solved.length === before.size) {
    return { verb: "upgrade", changed: 0, generation: current.generation };
  }
  const resolved = await commitsFor(store, repoSet, solved);
  const result = await assembleRoot(store, {
    name,
    packages: resolved.packages,
    request: { install: specs },
    mergeFrom: "current",
  });
  return { verb: "upgrade", changed, downloaded: resolved.downloaded, generation: result.generation };
}

async function solveOnly(dir: string, specs: string[]): Promise<Result> {
  const repoSet = await loadBenchRepos(dir, readBenchRepos(dir));
  const solved = await solveSpecs(repoSet, specs);
  return { verb: "solve", packages: solved.length };
}

async function remove(dir: string, name: string): Promise<Result> {
  const store = await openStore(dir);
  await removeRoot(store, name);
  return { verb: "rm", name };
}

async function main(argv: string[]): Promise<void> {
  const [verb, dir, ...rest] = argv;
  if (dir === undefined) throw new GroveError("BENCH_USAGE", "usage: main.js assemble|upgrade|solve|rm DIR ...");
  let result: Result;
  if (verb === "assemble") result = await assemble(dir, rest[0] ?? "", rest.slice(1));
  else if (verb === "upgrade") result = await upgrade(dir, rest[0] ?? "");
  else if (verb === "solve") result = await solveOnly(dir, rest);
  else if (verb === "rm") result = await remove(dir, rest[0] ?? "");
  else throw new GroveError("BENCH_USAGE", `unknown verb ${JSON.stringify(verb)}`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const code = err instanceof GroveError ? `${err.code}: ` : "";
  process.stderr.write(`grove stand-in: ${code}${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
