import { stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { GroveError } from "@grove/core";
import { assertChecksum, hashFile } from "../fetch/checksum.js";
import { downloadFile } from "../fetch/download-file.js";
import type { RetryOptions } from "../fetch/retry.js";
import { DEFAULT_TIMEOUT_MS } from "../fetch/transport.js";
import type { PackageHandle, RepoPackage } from "../model/repo-package.js";
import type { RepoSet } from "../repo-set.js";

/** Options of {@link downloadPackages}. */
export interface DownloadPackagesOptions extends RetryOptions {
  /** Cache directory; packages go to `<cacheDir>/packages/<repo id>/`. */
  cacheDir: string;
  /** How many downloads run at once (default 4). */
  concurrency?: number;
  /** Progress callback (the CLI draws bars from it). */
  onProgress?: (event: DownloadProgress) => void;
  /** Timeout per request and per silence within a body (default: each repository's setting, else 30 s). */
  timeoutMs?: number;
  /** Cancels every download. */
  signal?: AbortSignal;
  /**
   * For `file://` repositories, copy the package into the cache too (default `false`: the package is
   * verified where it is and that path is returned).
   */
  copyLocal?: boolean;
}

/** One progress report. */
export interface DownloadProgress {
  /** `start`: a package begins; `bytes`: data arrived; `retry`: an attempt failed and starts over; `done`: verified. */
  type: "start" | "bytes" | "retry" | "done";
  /** The package concerned. */
  package: RepoPackage;
  /** Bytes of this package received so far (0 after a retry). */
  received: number;
  /** Size of this package. */
  size: number;
  /** For `done`: whether the file was already in the cache (or verified in place). */
  cached?: boolean;
  /** For `retry`: what failed. */
  error?: GroveError;
  /** Totals over the whole call. */
  overall: { received: number; size: number; done: number; count: number };
}

/** A package file ready to use. */
export interface DownloadedPackage {
  /** The package. */
  package: RepoPackage;
  /** Path of the verified file. */
  path: string;
  /** True when no download was needed (already cached, or a local repository file verified in place). */
  cached: boolean;
}

/**
 * Download package files into the cache: several at once, each streamed to a temporary file while
 * its checksum is computed, renamed into the cache only when complete and verified, and retried
 * (with backoff, then on the next mirror) on transient failures. Files already cached are verified
 * and reused. On the first failure the other downloads are cancelled and the failure is thrown.
 *
 * @param repos - the loaded repositories the packages come from
 * @param packages - the packages (handles or plain packages from the same repositories)
 * @param options - cache directory, concurrency, progress callback, retry settings
 * @returns one entry per requested package, in request order
 * @throws GroveError naming the repository and URL (`REPO_NOT_FOUND`, `REPO_CHECKSUM_MISMATCH`, `REPO_TIMEOUT`, ...)
 */
export async function downloadPackages(
  repos: RepoSet,
  packages: readonly PackageHandle[],
  options: DownloadPackagesOptions,
): Promise<DownloadedPackage[]> {
  const plans = packages.map((handle) => ({ handle, pkg: repos.package(handle), repo: repos.repoOf(handle) }));
  const overall = { received: 0, size: 0, done: 0, count: plans.length };
  for (const plan of plans) overall.size += plan.pkg.packageSize;
  const destinations = assignDestinations(
    plans.map((p) => p.pkg),
    options.cacheDir,
  );
  const controller = new AbortController();
  const onOuterAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const results: DownloadedPackage[] = new Array(plans.length);
  let next = 0;
  let failure: unknown;

  const fetchOne = async (at: number): Promise<void> => {
    const { pkg, repo, handle } = plans[at] as (typeof plans)[number];
    const dest = destinations[at] as string;
    const emit = (event: Omit<DownloadProgress, "package" | "size" | "overall">): void =>
      options.onProgress?.({ ...event, package: pkg, size: pkg.packageSize, overall: { ...overall } });
    let received = 0;
    emit({ type: "start", received });
    const urls = repo.packageUrls(handle.index);
    const checksum = pkg.checksum;
    const size = pkg.packageSize > 0 ? pkg.packageSize : undefined;
    const local = options.copyLocal === true ? undefined : await verifiedLocal(urls, pkg, repo.id);
    if (local !== undefined || (await isValid(dest, pkg, repo.id))) {
      overall.received += pkg.packageSize;
      overall.done++;
      results[at] = { package: pkg, path: local ?? dest, cached: true };
      emit({ type: "done", received: pkg.packageSize, cached: true });
      return;
    }
    await downloadFile(
      {
        urls,
        dest,
        checksum,
        ...(size === undefined ? {} : { size }),
        onBytes: (bytes) => {
          received += bytes;
          overall.received += bytes;
          emit({ type: "bytes", received });
        },
        onRestart: (error) => {
          overall.received -= received;
          received = 0;
          emit({ type: "retry", received, error });
        },
      },
      {
        repoId: repo.id,
        timeoutMs: options.timeoutMs ?? repo.network.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        retries: options.retries ?? repo.network.retries,
        retryDelayMs: options.retryDelayMs ?? repo.network.retryDelayMs,
        signal: controller.signal,
        ...(repo.network.fetch === undefined ? {} : { fetch: repo.network.fetch }),
      },
    );
    overall.done++;
    results[at] = { package: pkg, path: dest, cached: false };
    emit({ type: "done", received, cached: false });
  };

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < plans.length) {
      const at = next++;
      try {
        await fetchOne(at);
      } catch (err) {
        if (failure === undefined) {
          failure = err;
          controller.abort(err);
        }
      }
    }
  };
  try {
    const count = Math.max(1, Math.min(options.concurrency ?? 4, plans.length));
    await Promise.all(Array.from({ length: count }, worker));
  } finally {
    options.signal?.removeEventListener("abort", onOuterAbort);
  }
  if (failure !== undefined) throw failure;
  return results;
}

/** Cache paths: `<cacheDir>/packages/<repo>/<file name>`, made unique when two packages share a name. */
function assignDestinations(packages: readonly RepoPackage[], cacheDir: string): string[] {
  const taken = new Map<string, string>();
  return packages.map((pkg) => {
    const name = path.posix.basename(pkg.location.href).replace(/[^A-Za-z0-9._+~^-]/g, "_") || "package.rpm";
    let dest = path.join(cacheDir, "packages", pkg.repoId, name);
    const owner = taken.get(dest);
    if (owner !== undefined && owner !== pkg.checksum.value) {
      dest = path.join(cacheDir, "packages", pkg.repoId, `${pkg.checksum.value.slice(0, 16)}-${name}`);
    }
    taken.set(dest, pkg.checksum.value);
    return dest;
  });
}

async function isValid(file: string, pkg: RepoPackage, repoId: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile() || (pkg.packageSize > 0 && info.size !== pkg.packageSize)) return false;
    return (await hashFile(file, pkg.checksum.type, repoId, file)) === pkg.checksum.value.toLowerCase();
  } catch {
    return false;
  }
}

/** The package's own path when its first URL is `file://` and the file verifies; else `undefined`. */
async function verifiedLocal(urls: readonly string[], pkg: RepoPackage, repoId: string): Promise<string | undefined> {
  const first = urls[0];
  if (first === undefined || !first.startsWith("file:")) return undefined;
  const file = fileURLToPath(first);
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
  } catch {
    return undefined;
  }
  assertChecksum(pkg.checksum, await hashFile(file, pkg.checksum.type, repoId, first), repoId, first);
  return file;
}
