import { GroveError } from "@grove/core/store";
import { DEFAULT_SOLVE_ARCH } from "@grove/repo/solver";
import { assertRootName } from "../generations/grove-layout.js";
import type { GroveRunOptions } from "./build-generation.js";
import { currentGeneration } from "./current-generation.js";
import { planFetch } from "./fetch-packages.js";
import { openGroveDir } from "./grove-dir.js";
import { loadGroveRepos } from "./grove-repos.js";
import type { RootResult } from "./root-result.js";
import { readSolveCache, solveCacheKey, writeSolveCache } from "./solve-cache.js";
import { solveRequest } from "./solve-request.js";

/** Options of {@link assemble}. */
export interface AssembleRequestOptions extends GroveRunOptions {
  /** Install weak dependencies (Recommends, Supplements), as dnf's `install_weak_deps` (default true). */
  weakDeps?: boolean;
}

/**
 * Assembles root `name` from package specs: loads the grove directory's repositories (metadata
 * cache: no request until `metadata_expire`, then one small one), solves (or reuses the solution of the same
 * request against the same repository state, `cache/solve/`, when the store holds all of it), downloads only the packages the
 * store lacks (found by sha256 in the store's source index), imports them, and checks the whole set
 * out as a new generation `roots/NAME.G` that `roots/NAME` then points at. When the root exists,
 * its `/etc` and `/var` are merged into the new generation and the previous one is kept.
 * @param dir - the grove directory (`grove init`)
 * @param name - the root's name
 * @param specs - package specs (`apache2`, `name.arch`, a provide, a path, ...)
 * @param options - weak dependencies, progress, network and concurrency settings
 * @returns what was built; `downloaded` lists the packages this call fetched
 * @throws GroveError `CHECKOUT_NO_REQUEST` without specs, `CHECKOUT_BAD_ROOT_NAME`, `CHECKOUT_NO_REPOS`,
 *   `STORE_NOT_FOUND`, `SOLVE_*`, `REPO_*`, `RPM_*`, `CHECKOUT_*`
 */
export async function assemble(
  dir: string,
  name: string,
  specs: readonly string[],
  options: AssembleRequestOptions = {},
): Promise<RootResult> {
  const started = performance.now();
  assertRootName(name);
  if (specs.length === 0) {
    throw new GroveError("CHECKOUT_NO_REQUEST", `name at least one package to assemble root ${name} from`, {
      subject: name,
    });
  }
  const store = await openGroveDir(dir);
  const repos = await loadGroveRepos(dir, options);
  options.onProgress?.({
    type: "metadata",
    repos: repos.repoSet.repos.map((r) => ({ id: r.id, fromCache: r.fromCache })),
  });
  const weakDeps = options.weakDeps ?? true;
  // The same request against the same repository state resolves to the same set: solved once, then cached.
  const key = solveCacheKey({ specs, weakDeps, arch: options.arch ?? DEFAULT_SOLVE_ARCH }, repos);
  let solved = readSolveCache(store.dir, key);
  // A cached solution serves only when nothing is to be downloaded: its packages carry no repository handle.
  let fetchPlan = solved === undefined ? undefined : await planFetch(store, solved);
  if (solved === undefined || (fetchPlan?.missing.length ?? 0) > 0) {
    solved = await solveRequest(repos, specs, {
      weakDeps,
      ...(options.arch === undefined ? {} : { arch: options.arch }),
    });
    writeSolveCache(store.dir, key, solved);
    fetchPlan = undefined;
  }
  // Loaded on demand: it pulls in the checkout, the rpmdb writer and sql.js.
  const { buildGeneration } = await import("./build-generation.js");
  return buildGeneration({
    store,
    name,
    repos,
    solved,
    request: { packages: [...specs], weakDeps, repoConfig: repos.configFingerprint },
    current: currentOrNone(store.dir, name),
    options,
    started,
    ...(fetchPlan === undefined ? {} : { fetchPlan }),
  });
}

/** The current generation for the report; a damaged record only costs the version diff. */
function currentOrNone(dir: string, name: string): ReturnType<typeof currentGeneration> {
  try {
    return currentGeneration({ dir }, name);
  } catch {
    return undefined;
  }
}
