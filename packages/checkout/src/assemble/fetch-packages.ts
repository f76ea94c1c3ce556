import { rm } from "node:fs/promises";
import path from "node:path";
import { GroveError, type Store } from "@grove/core/store";
import type { RepoSet } from "@grove/repo";
import type { ImportRpmResult } from "@grove/rpm";
import type { GenerationPackage } from "../generations/generation-state.js";
import { ImportSlots } from "./import-slots.js";
import type { SolvedPackage } from "./solve-request.js";
import { TaskLimit } from "./task-limit.js";

/** Which packages of a solved root the store already has. */
export interface FetchPlan {
  /** Every package in install order; `commitId` is set for those already in the store. */
  packages: { solved: SolvedPackage; commitId: string | undefined }[];
  /** The packages to download and import. */
  missing: SolvedPackage[];
  /** Their total size in bytes (as the repositories state it). */
  missingBytes: number;
}

/**
 * Finds which packages the store already holds, by the package file's sha256 in the store's source
 * index (no download, no file read). Kept installed packages use their lockfile commit. A package
 * whose repository checksum is not sha256 is always fetched (the source index is keyed by sha256).
 * @param store - the store
 * @param solved - the root's packages
 */
export async function planFetch(store: Store, solved: readonly SolvedPackage[]): Promise<FetchPlan> {
  const packages: FetchPlan["packages"] = [];
  const missing: SolvedPackage[] = [];
  let missingBytes = 0;
  for (const pkg of solved) {
    let commitId = pkg.installed?.commitId;
    if (commitId === undefined && pkg.sha256 !== undefined) {
      const found = await store.lookupSource(pkg.sha256);
      if (found !== undefined && (await store.hasCommit(found))) commitId = found;
    }
    packages.push({ solved: pkg, commitId });
    if (commitId === undefined) {
      missing.push(pkg);
      missingBytes += pkg.size;
    }
  }
  return { packages, missing, missingBytes };
}

/** Progress of {@link fetchMissing}. */
export type FetchProgress =
  | { type: "download"; done: number; count: number; receivedBytes: number; totalBytes: number }
  | { type: "retry"; nevra: string; message: string }
  | { type: "import"; done: number; count: number; nevra: string };

/** Options of {@link fetchMissing}. */
export interface FetchMissingOptions {
  /** Cache directory: file downloads go to `<cacheDir>/packages/<repo>/` and are removed once imported. */
  cacheDir: string;
  /** Downloads to the cache at once (default 4). */
  downloadConcurrency?: number;
  /** Imports at once, streamed ones included (default 2). */
  importConcurrency?: number;
  /** Progress callback. */
  onProgress?: (event: FetchProgress) => void;
}

/** What {@link fetchMissing} produced. */
export interface FetchResult {
  /** Every package of the plan, in install order, with its commit. */
  packages: GenerationPackage[];
  /** NEVRAs of the packages fetched and imported by this call, in install order. */
  downloaded: string[];
}

/**
 * Fetches the packages the store lacks (verified against the repository checksums) and imports them.
 * A package from an http(s) repository whose sha256 is known streams from the response straight into
 * the store (`importConcurrency` at once): no file is written, and the import runs while the bytes
 * arrive; the stream checks size and checksum before it ends and the import commits only after that,
 * so a bad download leaves no commit or ref (only unreferenced objects for `gc`). Other packages are
 * downloaded to the cache (`downloadConcurrency` at once), imported as soon as each has arrived, and
 * deleted once imported. The largest packages (by installed size) are fetched first. On the first failure
 * the other transfers are cancelled, the imports under way finish, and the failure is thrown.
 * @param store - the store
 * @param repoSet - the loaded repositories the packages come from
 * @param plan - from {@link planFetch}
 * @param options - cache directory, concurrency, progress
 * @throws GroveError `REPO_*` from downloads, `RPM_*` from imports, `CHECKOUT_PACKAGE_MISMATCH` when a
 *   package file is not the package its repository metadata describes
 */
export async function fetchMissing(
  store: Store,
  repoSet: RepoSet,
  plan: FetchPlan,
  options: FetchMissingOptions,
): Promise<FetchResult> {
  const commits = new Map<SolvedPackage, string>();
  for (const p of plan.packages) if (p.commitId !== undefined) commits.set(p.solved, p.commitId);
  const downloads = new TaskLimit(options.downloadConcurrency ?? 4);
  const imports = new ImportSlots(options.importConcurrency ?? 2);
  const importSlot = <T>(handle: NonNullable<SolvedPackage["handle"]>, task: () => Promise<T>): Promise<T> =>
    imports.run(repoSet.repoOf(handle).package(handle.index).installedSize, task);
  const controller = new AbortController();
  const count = plan.missing.length;
  const received = new Map<SolvedPackage, number>();
  let receivedBytes = 0;
  let downloadedCount = 0;
  let importedCount = 0;
  const emitDownload = () =>
    options.onProgress?.({
      type: "download",
      done: downloadedCount,
      count,
      receivedBytes,
      totalBytes: plan.missingBytes,
    });

  /**
   * An http(s) package with a known sha256 streams from the response straight into the store: no file, and
   * the import runs while the bytes arrive. The stream checks size and checksum before it ends and the
   * import commits only after its end (and checks the sha256 itself), so a bad download leaves no commit.
   */
  const streamOne = async (pkg: SolvedPackage, handle: NonNullable<SolvedPackage["handle"]>, sha256: string) => {
    const [{ streamPackage }, { importRpm }] = await loadFetchCode();
    let got = 0;
    const result = await importSlot(handle, () =>
      streamPackage(repoSet, handle, (chunks, url) => importRpm(store, chunks, { sha256, subject: url }), {
        signal: controller.signal,
        onBytes: (bytes) => {
          got += bytes;
          receivedBytes += bytes;
          emitDownload();
        },
        onRestart: (error) => {
          receivedBytes -= got;
          got = 0;
          options.onProgress?.({ type: "retry", nevra: pkg.nevra, message: error.message });
        },
      }),
    );
    downloadedCount++;
    emitDownload();
    return { result, source: repoSet.repoOf(handle).packageUrls(handle.index)[0] ?? pkg.nevra };
  };

  const fetchOne = async (pkg: SolvedPackage): Promise<void> => {
    const handle = pkg.handle;
    if (handle === undefined) throw new TypeError(`fetchMissing: ${pkg.nevra} has no repository package`);
    const [{ canStreamPackage }] = await loadFetchCode();
    const { result, source, file } =
      pkg.sha256 !== undefined && canStreamPackage(repoSet, handle)
        ? { ...(await streamOne(pkg, handle, pkg.sha256)), file: undefined }
        : await downloadThenImport(pkg, handle);
    if (result.nevra !== pkg.nevra) {
      throw new GroveError(
        "CHECKOUT_PACKAGE_MISMATCH",
        `${source} is ${result.nevra}, but repository "${handle.repoId}" describes it as ${pkg.nevra}`,
        {
          subject: source,
          hint: "the repository metadata does not match its packages; report it to its maintainer",
        },
      );
    }
    commits.set(pkg, result.commitId);
    if (pkg.sha256 === undefined) pkg.sha256 = result.sha256;
    importedCount++;
    options.onProgress?.({ type: "import", done: importedCount, count, nevra: pkg.nevra });
    if (file !== undefined && isInside(file, path.join(options.cacheDir, "packages"))) await rm(file, { force: true });
  };

  const downloadThenImport = async (
    pkg: SolvedPackage,
    handle: NonNullable<SolvedPackage["handle"]>,
  ): Promise<{ result: ImportRpmResult; source: string; file: string }> => {
    const [{ downloadPackages }, { importRpm }] = await loadFetchCode();
    const [file] = await downloads.run(() =>
      downloadPackages(repoSet, [handle], {
        cacheDir: options.cacheDir,
        concurrency: 1,
        signal: controller.signal,
        onProgress: (event) => {
          receivedBytes += event.received - (received.get(pkg) ?? 0);
          received.set(pkg, event.received);
          if (event.type === "done") downloadedCount++;
          if (event.type === "retry") {
            options.onProgress?.({ type: "retry", nevra: pkg.nevra, message: event.error?.message ?? "failed" });
          }
          emitDownload();
        },
      }),
    );
    if (file === undefined) throw new TypeError(`fetchMissing: no download result for ${pkg.nevra}`);
    const result = await importSlot(handle, () =>
      importRpm(store, file.path, pkg.sha256 === undefined ? {} : { sha256: pkg.sha256 }),
    );
    return { result, source: file.path, file: file.path };
  };

  // The largest packages take longest to import, and only one at a time (ImportSlots): started first, they run
  // beside the small ones instead of after them, at the end of the install order (perl, its modules, icu).
  const installedSize = (pkg: SolvedPackage) =>
    pkg.handle === undefined ? 0 : repoSet.repoOf(pkg.handle).package(pkg.handle.index).installedSize;
  const largestFirst = [...plan.missing].sort((a, b) => installedSize(b) - installedSize(a));
  const outcomes = await Promise.allSettled(
    largestFirst.map((pkg) =>
      fetchOne(pkg).catch((err: unknown) => {
        controller.abort(err);
        throw err;
      }),
    ),
  );
  // The imports are over: the payload workers kept for the next package only hold memory now.
  if (count > 0) (await loadFetchCode())[1].releaseIdlePayloadWorkers();
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
  if (failed !== undefined) throw firstCause(failed.reason, controller.signal);

  const packages = plan.packages.map(({ solved }) => {
    const commitId = commits.get(solved);
    if (commitId === undefined || solved.sha256 === undefined) {
      throw new TypeError(`fetchMissing: ${solved.nevra} is not in the store after fetching`);
    }
    const line: GenerationPackage = { nevra: solved.nevra, sha256: solved.sha256, commitId };
    if (solved.repo !== undefined) line.repo = solved.repo;
    return line;
  });
  return { packages, downloaded: plan.missing.map((p) => p.nevra) };
}

/**
 * The download and import code, loaded when a package must be fetched: a root whose packages are all in
 * the store (a warm run) loads none of it.
 */
function loadFetchCode(): Promise<[typeof import("@grove/repo"), typeof import("@grove/rpm")]> {
  return Promise.all([import("@grove/repo"), import("@grove/rpm")]);
}

/** The failure that started the cancellation, rather than the cancellations it caused. */
function firstCause(reason: unknown, signal: AbortSignal): unknown {
  return signal.aborted && signal.reason !== undefined ? signal.reason : reason;
}

function isInside(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}
