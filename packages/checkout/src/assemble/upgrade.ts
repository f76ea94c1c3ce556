import path from "node:path";
import { GroveError, type Store } from "@grove/core/store";
import { rootLayout } from "../generations/grove-layout.js";
import { getRoot, listRoots } from "../generations/manage-roots.js";
import { prestartTreeWriter } from "../write/tree-writer-thread.js";
import type { GroveRunOptions } from "./build-generation.js";
import { type CurrentGeneration, currentGeneration } from "./current-generation.js";
import { openGroveDir } from "./grove-dir.js";
import { type GroveRepos, loadGroveRepos, sameSnapshots } from "./grove-repos.js";
import { readRootRequest } from "./root-request.js";
import type { RootResult } from "./root-result.js";
import { hasUpToDateNote, writeUpToDateNote } from "./up-to-date-note.js";

/** Options of {@link upgrade}. */
export type UpgradeOptions = GroveRunOptions;

/**
 * Upgrades roots: refreshes the repository metadata once, then for each root re-solves its recorded
 * request against its installed set (the current generation's lockfile) in upgrade mode. When the
 * solved package set equals the lockfile, the root is up to date and nothing is touched (no
 * download, no generation, no record). Otherwise only the missing packages are fetched and
 * generation G+1 is built with `/etc` and `/var` merged from G, then swapped in; G is kept.
 *
 * A root whose generation was solved against exactly the repository revisions and configuration
 * loaded now is up to date without solving (the solve is deterministic), as is one a previous
 * upgrade found up to date against them.
 * @param dir - the grove directory
 * @param names - the roots to upgrade (default: every root with a current generation)
 * @param options - progress, network and concurrency settings
 * @returns one result per root, in the order of `names` (or by name); `changed` is false when up to date
 * @throws GroveError `CHECKOUT_ROOT_NOT_FOUND` for a named root that does not exist, and whatever
 *   {@link assemble} throws
 */
export async function upgrade(
  dir: string,
  names?: readonly string[],
  options: UpgradeOptions = {},
): Promise<RootResult[]> {
  const started = performance.now();
  const store = await openGroveDir(dir);
  const targets = resolveTargets(store, names);
  const currents = targets.map((name) => {
    const current = currentGeneration(store, name);
    if (current === undefined) {
      throw new GroveError("CHECKOUT_ROOT_NOT_FOUND", `root ${name} has no current generation to upgrade`, {
        subject: name,
        hint: "see `grove list`; roll back or assemble it again",
      });
    }
    return current;
  });
  if (targets.length === 0) return [];
  const repos = await loadGroveRepos(dir, options);
  options.onProgress?.({
    type: "metadata",
    repos: repos.repoSet.repos.map((r) => ({ id: r.id, fromCache: r.fromCache })),
  });
  const results: RootResult[] = [];
  for (const current of currents) {
    results.push(await upgradeRoot(store, current, repos, options, started));
  }
  return results;
}

async function upgradeRoot(
  store: Store,
  current: CurrentGeneration,
  repos: GroveRepos,
  options: UpgradeOptions,
  started: number,
): Promise<RootResult> {
  const { state } = current;
  const name = state.name;
  const request = readRootRequest(state, current.file);
  const sameInputs = sameSnapshots(state.repos, repos.snapshots) && request.repoConfig === repos.configFingerprint;
  if (sameInputs || hasUpToDateNote(store.dir, name, current, repos.snapshots, repos.configFingerprint)) {
    return upToDate(current, options, started);
  }
  // Solving decides whether a new generation is written; the writer thread starts now, so that it has started
  // when the tree is written (it takes 30-60 ms). A solution that changes nothing leaves it unused.
  prestartTreeWriter();
  // Loaded on demand, so that a root found up to date without solving costs no solver or checkout code.
  const { solveRequest } = await import("./solve-request.js");
  const solved = await solveRequest(repos, request.packages, {
    weakDeps: request.weakDeps,
    installed: state.packages,
    store,
    ...(options.arch === undefined ? {} : { arch: options.arch }),
  });
  const before = state.packages.map((p) => p.nevra).sort();
  const after = solved.map((p) => p.nevra).sort();
  if (before.length === after.length && before.every((nevra, i) => nevra === after[i])) {
    writeUpToDateNote(store.dir, name, current, repos.snapshots, repos.configFingerprint);
    return upToDate(current, options, started);
  }
  const { buildGeneration } = await import("./build-generation.js");
  return buildGeneration({
    store,
    name,
    repos,
    solved,
    request: { ...request, repoConfig: repos.configFingerprint },
    current,
    options,
    started,
  });
}

function upToDate(current: CurrentGeneration, options: UpgradeOptions, started: number): RootResult {
  const name = current.state.name;
  options.onProgress?.({ type: "up-to-date", root: name, generation: current.generation });
  return {
    name,
    generation: current.generation,
    previous: current.generation,
    path: current.path,
    link: rootLayout(path.dirname(path.dirname(current.path)), name).link,
    changed: false,
    packages: current.state.packages.map((p) => p.nevra),
    downloaded: [],
    upgraded: [],
    added: [],
    removed: [],
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The roots to upgrade: the named ones (checked to exist), else every root with a current generation. */
function resolveTargets(store: Store, names: readonly string[] | undefined): string[] {
  if (names !== undefined && names.length > 0) {
    const unique = [...new Set(names)];
    for (const name of unique) getRoot(store, name);
    return unique;
  }
  return listRoots(store)
    .filter((root) => root.current !== undefined)
    .map((root) => root.name);
}
