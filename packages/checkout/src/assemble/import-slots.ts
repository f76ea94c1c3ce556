import { TaskLimit } from "./task-limit.js";

/**
 * Installed size from which a package counts as large: `@grove/rpm` decodes (zstd) and hashes payloads of
 * 16 MiB and more on a payload worker thread (and decodes xz in an `xz` process).
 */
export const LARGE_PAYLOAD_BYTES = 16 << 20;

/**
 * Admission of package imports: at most `concurrency` at once, and of those at most one large package
 * (installed size ≥ {@link LARGE_PAYLOAD_BYTES}). A large import runs a payload worker thread (about 10 MB),
 * or that and an `xz` process, with megabytes in flight between them, and already keeps both cores busy, so a
 * second one would only add to the peak memory. A large import waits for its turn without holding one of the general slots.
 */
export class ImportSlots {
  private readonly all: TaskLimit;
  private readonly large = new TaskLimit(1);

  /** @param concurrency - imports at once (at least 1) */
  constructor(concurrency: number) {
    this.all = new TaskLimit(concurrency);
  }

  /**
   * Runs an import when a slot is free.
   * @param installedSize - the package's installed size in bytes (0 when unknown)
   * @param task - the import
   */
  run<T>(installedSize: number, task: () => Promise<T>): Promise<T> {
    return installedSize >= LARGE_PAYLOAD_BYTES ? this.large.run(() => this.all.run(task)) : this.all.run(task);
  }
}
