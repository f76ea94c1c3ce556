import type { Store } from "@grove/core";
import { type ImportRpmResult, importRpm } from "./import-rpm.js";

/** Default number of packages {@link importRpmFiles} imports at once. */
export const DEFAULT_IMPORT_CONCURRENCY = 2;

/** One package for {@link importRpmFiles}: a file path, with its sha256 when known (e.g. from repository metadata). */
export interface ImportRpmFileItem {
  /** The package file. */
  file: string;
  /** The file's sha256, when known: a package already in the store then costs one lookup. */
  sha256?: string;
}

/** Options of {@link importRpmFiles}. */
export interface ImportRpmFilesOptions {
  /**
   * Packages imported at once (default {@link DEFAULT_IMPORT_CONCURRENCY}). While one package waits for its
   * decompressor (thread pool, worker) or the file system, another one's verification and writes run.
   */
  concurrency?: number;
  /** Verify header, payload and file digests (default true). */
  verify?: boolean;
}

/** What {@link importRpmFiles} reports for one package: its result, or the error that stopped it. */
export type ImportRpmFilesOutcome =
  | { index: number; file: string; result: ImportRpmResult }
  | { index: number; file: string; error: unknown };

/**
 * Imports many package files into the store with {@link importRpm}, a few at once, and yields each outcome as
 * it completes (`index` is the item's position in `items`). A package that fails is reported, not thrown, so
 * the others still get imported; stopping the iteration early lets the imports under way finish first.
 * @param store - the store
 * @param items - package files (paths, or paths with known sha256)
 * @param options - concurrency and verification
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
  const running = new Map<number, Promise<ImportRpmFilesOutcome>>();
  let next = 0;
  const start = (index: number): void => {
    const { file, sha256 } = queue[index] as ImportRpmFileItem;
    const importOptions = { ...(sha256 === undefined ? {} : { sha256 }), verify: options.verify ?? true };
    running.set(
      index,
      importRpm(store, file, importOptions).then(
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
  }
}
