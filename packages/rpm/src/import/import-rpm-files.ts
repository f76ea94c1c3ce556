import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Store } from "@grove/core";
import { type ImportWorkerData, type ImportWorkerReply, revivedError } from "./import-messages.js";
import { type ImportRpmResult, importRpm } from "./import-rpm.js";

/** Default number of packages {@link importRpmFiles} imports at once: one per core of a small machine. */
export const DEFAULT_IMPORT_CONCURRENCY = 2;

/**
 * Young-generation cap of an import thread's V8 heap, in MB (1 MB per semi-space, as the `grove` launcher gives
 * its main thread): payload chunks are buffers outside the heap, and V8's default (up to 16 MB per semi-space)
 * keeps them, and their memory, alive longer.
 */
const IMPORTER_YOUNG_GENERATION_MB = 3;

/** One package for {@link importRpmFiles}: a file path, with its sha256 when known (e.g. from repository metadata). */
export interface ImportRpmFileItem {
  /** The package file. */
  file: string;
  /** The file's sha256, when known: a package already in the store then costs one lookup. */
  sha256?: string;
}

/** Options of {@link importRpmFiles}. */
export interface ImportRpmFilesOptions {
  /** Packages imported at once (default {@link DEFAULT_IMPORT_CONCURRENCY}). */
  concurrency?: number;
  /**
   * Import on worker threads, one package per thread at a time (default true; used when `concurrency` > 1
   * and there is more than one package). Each thread decompresses, verifies and writes on its own, so every
   * core works; without threads, the packages in flight share the calling thread and only their
   * decompression (zlib, liblzma, large zstd payloads) and digest workers run beside it.
   */
  threads?: boolean;
  /** Verify header, payload and file digests (default true). */
  verify?: boolean;
}

/** What {@link importRpmFiles} reports for one package: its result, or the error that stopped it. */
export type ImportRpmFilesOutcome =
  | { index: number; file: string; result: ImportRpmResult }
  | { index: number; file: string; error: unknown };

/**
 * Imports many package files into the store with {@link importRpm}, several at once, and yields each outcome
 * as it completes (`index` is the item's position in `items`). A package that fails is reported (its error is
 * the `GroveError` `importRpm` threw), not thrown, so the others still get imported. The store's shared lock
 * is held for the whole batch (so `gc` waits for it), once per thread rather than once per package.
 * Stopping the iteration early lets the imports under way finish, and starts no others.
 * @param store - the store
 * @param items - package files (paths, or paths with known sha256)
 * @param options - concurrency, threads and verification
 * @example
 * ```ts
 * for await (const outcome of importRpmFiles(store, files, { concurrency: 2 })) {
 *   if ("error" in outcome) console.error(outcome.file, outcome.error);
 * }
 * ```
 */
export async function* importRpmFiles(
  store: Store,
  items: Iterable<string | ImportRpmFileItem>,
  options: ImportRpmFilesOptions = {},
): AsyncGenerator<ImportRpmFilesOutcome> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_IMPORT_CONCURRENCY));
  const queue = [...items].map((item) => (typeof item === "string" ? { file: item } : item));
  const verify = options.verify ?? true;
  const script = workerScript();
  if ((options.threads ?? true) && concurrency > 1 && queue.length > 1 && script !== undefined) {
    yield* onWorkers(store, queue, Math.min(concurrency, queue.length), verify, script);
  } else {
    yield* inThisThread(store, queue, concurrency, verify);
  }
}

/**
 * The compiled worker module, found through this package's export map (not next to `import.meta.url`, which
 * is the bundled CLI's file when this code runs inside it), or `undefined` when it is not built.
 */
function workerScript(): URL | undefined {
  const url = new URL(import.meta.resolve("@grove/rpm/import-worker"));
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

async function* inThisThread(
  store: Store,
  queue: readonly ImportRpmFileItem[],
  concurrency: number,
  verify: boolean,
): AsyncGenerator<ImportRpmFilesOutcome> {
  const release = await store.lock.acquireShared();
  const running = new Map<number, Promise<ImportRpmFilesOutcome>>();
  let next = 0;
  const start = (index: number): void => {
    const { file, sha256 } = queue[index] as ImportRpmFileItem;
    const importing = importRpm(store, file, { ...(sha256 === undefined ? {} : { sha256 }), verify });
    running.set(
      index,
      importing.then(
        (result) => ({ index, file, result }),
        (error: unknown) => ({ index, file, error }),
      ),
    );
  };
  try {
    while (next < queue.length || running.size > 0) {
      while (next < queue.length && running.size < concurrency) start(next++);
      const outcome = await Promise.race(running.values());
      running.delete(outcome.index);
      yield outcome;
    }
  } finally {
    await Promise.all(running.values());
    await release();
  }
}

async function* onWorkers(
  store: Store,
  queue: readonly ImportRpmFileItem[],
  threads: number,
  verify: boolean,
  script: URL,
): AsyncGenerator<ImportRpmFilesOutcome> {
  const data: ImportWorkerData = { storeDir: store.dir, fsync: store.fsync, lockTimeoutMs: store.lockTimeoutMs };
  const outcomes: ImportRpmFilesOutcome[] = [];
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  let next = 0;
  let alive = threads;
  let lastFailure: Error | undefined;
  const fileOf = (index: number): string => (queue[index] as ImportRpmFileItem).file;

  const start = (): Promise<void> => {
    const worker = new Worker(script, {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: IMPORTER_YOUNG_GENERATION_MB },
    });
    let current: number | undefined;
    const feed = (): void => {
      if (next >= queue.length) {
        current = undefined;
        worker.postMessage({ type: "close" });
        return;
      }
      current = next++;
      const { file, sha256 } = queue[current] as ImportRpmFileItem;
      worker.postMessage({ type: "import", index: current, file, sha256, verify });
    };
    worker.on("message", (reply: ImportWorkerReply) => {
      if (reply.type === "ready") {
        feed();
      } else if (reply.type === "done") {
        outcomes.push({ index: reply.index, file: fileOf(reply.index), result: reply.result });
        feed();
      } else if (reply.type === "failed") {
        outcomes.push({ index: reply.index, file: fileOf(reply.index), error: revivedError(reply.error) });
        feed();
      } else {
        lastFailure = revivedError(reply.error);
      }
      notify();
    });
    worker.on("error", (err) => {
      lastFailure = err;
    });
    return new Promise<void>((resolve) => {
      worker.once("exit", (code) => {
        alive--;
        const failure = lastFailure ?? new Error(`an import worker exited with code ${code}`);
        if (current !== undefined) outcomes.push({ index: current, file: fileOf(current), error: failure });
        current = undefined;
        // The last worker gone: nothing can import what is left.
        while (alive === 0 && next < queue.length) {
          const index = next++;
          outcomes.push({ index, file: fileOf(index), error: failure });
        }
        notify();
        resolve();
      });
    });
  };

  const exited = Array.from({ length: threads }, start);
  let produced = 0;
  try {
    while (produced < queue.length) {
      const outcome = outcomes.shift();
      if (outcome !== undefined) {
        produced++;
        yield outcome;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    next = queue.length; // stopped early: start nothing new; workers close after their current package
    await Promise.all(exited);
  }
}
