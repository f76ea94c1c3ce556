/**
 * `capHeapGrowthOnImport`: V8's heap growth is capped once a root is solved with packages to fetch, and
 * `packagesFetched` says so from then on.
 */
import type { GroveProgress } from "@grove/checkout";
import { describe, expect, it } from "vitest";
import { capHeapGrowthOnImport, IMPORT_HEAP_GROWTH_FLAG, packagesFetched } from "../src/import-memory.js";

describe("capHeapGrowthOnImport", () => {
  const solved = (toDownload: number): GroveProgress => ({
    type: "solved",
    root: "web",
    packages: 3,
    toDownload,
    downloadBytes: toDownload * 1000,
  });

  // First: packagesFetched is the process's state, and the tests below fetch.
  it("packagesFetched turns true at the first root solved with packages to fetch", () => {
    const listener = capHeapGrowthOnImport(
      () => undefined,
      () => undefined,
    );
    expect(packagesFetched()).toBe(false);
    listener({ type: "metadata", repos: [] });
    listener(solved(0));
    expect(packagesFetched()).toBe(false);
    listener(solved(2));
    expect(packagesFetched()).toBe(true);
  });

  it("sets the flag at the first root solved with packages to fetch, once, and passes every event on", () => {
    const flags: string[] = [];
    const seen: GroveProgress[] = [];
    const listener = capHeapGrowthOnImport(
      (event) => seen.push(event),
      (flag) => flags.push(flag),
    );
    const events: GroveProgress[] = [
      { type: "metadata", repos: [{ id: "base", fromCache: true }] },
      solved(0),
      { type: "up-to-date", root: "db", generation: 2 },
      solved(2),
      { type: "download", root: "web", done: 1, count: 2, receivedBytes: 10, totalBytes: 20 },
      solved(1),
    ];
    for (const [i, event] of events.entries()) {
      listener(event);
      expect(flags, `after event ${i}`).toEqual(i < 3 ? [] : [IMPORT_HEAP_GROWTH_FLAG]);
    }
    expect(seen).toEqual(events);
    expect(IMPORT_HEAP_GROWTH_FLAG).toBe("--heap-growing-percent=100");
  });

  it("sets nothing for a run that fetches nothing (a warm assemble, a no-op upgrade)", () => {
    const flags: string[] = [];
    const listener = capHeapGrowthOnImport(
      () => undefined,
      (flag) => flags.push(flag),
    );
    listener({ type: "metadata", repos: [] });
    listener(solved(0));
    listener({ type: "assemble", root: "web", phase: "checkout" });
    expect(flags).toEqual([]);
  });
});
