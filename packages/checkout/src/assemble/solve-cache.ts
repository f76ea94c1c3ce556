/**
 * Solve results, `cache/solve/<key>.json`: the package set a request resolved to, by request and repository
 * state, so that assembling the same request again (another root, a buildroot made afresh) skips the solver
 * while nothing it depends on changed. The key covers the specs, weak dependencies, the architecture, every
 * repository's metadata revision and the solve-relevant configuration (`GroveRepos.configFingerprint`): new
 * metadata (`metadata_expire`, `--refresh`) or an edited `.repo` file makes a new key. Only a cache: an
 * unreadable or malformed entry is a miss, and a hit is used only when the store holds every package (else the
 * solver runs, to know where to download from).
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeCacheFile } from "../store/cache-file.js";
import type { GroveRepos } from "./grove-repos.js";
import type { SolvedPackage } from "./solve-request.js";

const FORMAT = "grove-solve-cache";
/** Bump when the solver or `SolvedPackage` change what a request resolves to. */
const VERSION = 1;

/** What a solve depends on besides the repositories. */
export interface SolveCacheRequest {
  /** Package specs as given. */
  specs: readonly string[];
  /** Weak dependencies installed. */
  weakDeps: boolean;
  /** Machine architecture. */
  arch: string;
}

/** A cached package: a {@link SolvedPackage} without its handle into a loaded repository. */
interface CachedPackage {
  nevra: string;
  name: string;
  sha256: string;
  repo?: string;
  size: number;
}

/** `<dir>/cache/solve`. */
export function solveCacheDir(dir: string): string {
  return path.join(dir, "cache", "solve");
}

/** The cache key of a request against the repositories as loaded. */
export function solveCacheKey(
  request: SolveCacheRequest,
  repos: Pick<GroveRepos, "snapshots" | "configFingerprint">,
): string {
  const what = [
    FORMAT,
    VERSION,
    request.specs,
    request.weakDeps,
    request.arch,
    repos.snapshots.map((s) => [s.id, s.repomdChecksum]),
    repos.configFingerprint,
  ];
  return createHash("sha256").update(JSON.stringify(what)).digest("hex");
}

/**
 * The cached solution of `key`, as packages without repository handles (they are not needed when the store holds
 * them all); `undefined` when there is none or it cannot be read.
 */
export function readSolveCache(dir: string, key: string): SolvedPackage[] | undefined {
  try {
    const value = JSON.parse(readFileSync(path.join(solveCacheDir(dir), `${key}.json`), "utf8")) as {
      format?: unknown;
      version?: unknown;
      key?: unknown;
      packages?: unknown;
    };
    if (value.format !== FORMAT || value.version !== VERSION || value.key !== key) return undefined;
    if (!Array.isArray(value.packages) || value.packages.length === 0) return undefined;
    const out: SolvedPackage[] = [];
    for (const p of value.packages as Partial<CachedPackage>[]) {
      if (typeof p?.nevra !== "string" || typeof p.name !== "string" || typeof p.sha256 !== "string") return undefined;
      if (!/^[0-9a-f]{64}$/.test(p.sha256) || !Number.isSafeInteger(p.size)) return undefined;
      if (p.repo !== undefined && typeof p.repo !== "string") return undefined;
      out.push({
        nevra: p.nevra,
        name: p.name,
        sha256: p.sha256,
        repo: p.repo,
        handle: undefined,
        size: p.size as number,
        installed: undefined,
      });
    }
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a solution under `key` when every package has a sha256 (how the store finds it); a failure to write is
 * ignored. Packages kept from an installed set are never cached (upgrades are not cached).
 */
export function writeSolveCache(dir: string, key: string, solved: readonly SolvedPackage[]): void {
  if (solved.some((p) => p.sha256 === undefined || p.installed !== undefined)) return;
  const packages: CachedPackage[] = solved.map((p) => ({
    nevra: p.nevra,
    name: p.name,
    sha256: p.sha256 as string,
    ...(p.repo === undefined ? {} : { repo: p.repo }),
    size: p.size,
  }));
  writeCacheFile(
    path.join(solveCacheDir(dir), `${key}.json`),
    `${JSON.stringify({ format: FORMAT, version: VERSION, key, packages })}\n`,
  );
}
