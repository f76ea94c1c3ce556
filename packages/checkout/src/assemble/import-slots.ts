/**
 * Installed size from which a package counts as large: `@grove/rpm` decodes (zstd) and hashes payloads of
 * 16 MiB and more on a payload worker thread (and decodes xz in an `xz` process).
 */
export const LARGE_PAYLOAD_BYTES = 16 << 20;

/** A queued import. */
interface Waiting {
  large: boolean;
  start: () => void;
}

/**
 * Admission of package imports: at most `concurrency` at once, and of those at most one large package
 * (installed size ≥ {@link LARGE_PAYLOAD_BYTES}). A large import runs a payload worker thread (about 10 MB),
 * or that and an `xz` process, with megabytes in flight between them, and already keeps both cores busy, so a
 * second one would only add to the peak memory.
 *
 * Imports start in the order they were asked for, except that a large one waiting for the large slot lets the
 * small ones behind it go first, and takes the next free slot as soon as the large slot is free: the large
 * packages are a cold assemble's longest imports, so they should not wait behind the small ones that arrived
 * while the previous large one ran.
 */
export class ImportSlots {
  private running = 0;
  private runningLarge = false;
  private readonly queue: Waiting[] = [];

  /** @param concurrency - imports at once (at least 1) */
  constructor(private readonly concurrency: number) {
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`ImportSlots: bad concurrency ${concurrency}`);
    }
  }

  /**
   * Runs an import when a slot is free.
   * @param installedSize - the package's installed size in bytes (0 when unknown)
   * @param task - the import
   */
  async run<T>(installedSize: number, task: () => Promise<T>): Promise<T> {
    const large = installedSize >= LARGE_PAYLOAD_BYTES;
    await new Promise<void>((start) => {
      this.queue.push({ large, start });
      this.dispatch();
    });
    try {
      return await task();
    } finally {
      this.running--;
      if (large) this.runningLarge = false;
      this.dispatch();
    }
  }

  /** Starts queued imports while a slot is free: the first one admitted, a large one only when none runs. */
  private dispatch(): void {
    while (this.running < this.concurrency) {
      const index = this.queue.findIndex((w) => !(w.large && this.runningLarge));
      if (index < 0) return;
      const [next] = this.queue.splice(index, 1) as [Waiting];
      this.running++;
      if (next.large) this.runningLarge = true;
      next.start();
    }
  }
}
