import { setTimeout as sleep } from "node:timers/promises";

/** Waits with exponential backoff and jitter (2 ms doubling by 1.5 up to 100 ms) until a deadline. */
export class Backoff {
  private delay = 2;
  private readonly deadline: number;

  /** @param timeoutMs - how long waiting may take in total */
  constructor(timeoutMs: number) {
    this.deadline = Date.now() + timeoutMs;
  }

  /** True once the deadline has passed. */
  get expired(): boolean {
    return Date.now() > this.deadline;
  }

  /** Sleeps for the next delay. */
  async wait(): Promise<void> {
    const ms = this.delay * (0.5 + Math.random());
    this.delay = Math.min(this.delay * 1.5, 100);
    await sleep(ms);
  }
}
