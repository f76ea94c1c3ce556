/**
 * A counting semaphore: at most `limit` tasks run at once; the others wait in arrival order.
 */
export class TaskLimit {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  /** @param limit - tasks allowed at once (at least 1) */
  constructor(private readonly limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`TaskLimit: bad limit ${limit}`);
  }

  /**
   * Runs `task` when a slot is free.
   * @param task - the work
   * @returns what the task returns
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the first waiter, so `running` never exceeds `limit`.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }
}
