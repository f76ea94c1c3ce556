/**
 * V8's heap growth while a command imports packages, and whether this process imports any (the launcher makes no
 * code cache then).
 * @packageDocumentation
 */

import { setFlagsFromString } from "node:v8";
import type { ProgressListener } from "@grove/checkout";

/**
 * The V8 setting for a process that imports packages: after a full collection, V8's heap, and the memory held by
 * buffers, may grow to at most twice what survived before V8 collects again (V8 otherwise picks a factor between
 * 1.1 and 4 from its own speed, and picked high ones here). Payload and network buffers that outlive the young
 * generation die in the old one, and their memory came back only at the next full collection: a cold assemble of
 * the apache2 set peaked at 148-154 MB without it and 124-135 MB with it (docs/packages/cli.md, "Start-up and memory").
 */
export const IMPORT_HEAP_GROWTH_FLAG = "--heap-growing-percent=100";

/** Whether a root with packages to fetch was solved in this process ({@link packagesFetched}). */
let fetched = false;

/**
 * Wraps an `assemble`/`upgrade` progress listener: at the first root solved with packages to fetch, V8's heap
 * growth is capped ({@link IMPORT_HEAP_GROWTH_FLAG}) for the rest of the process.
 *
 * Not from the start, on the launcher's command line: a V8 flag that differs from its default makes V8 reject
 * the code caches of Node's built-in modules, which costs a warm assemble 20 ms. By the time a root is solved,
 * the command has loaded the built-in modules a warm run needs; an import's few later ones are compiled from
 * source.
 * @param listener - the listener to wrap
 * @param setFlags - sets a V8 flag (tests pass a recorder)
 */
export function capHeapGrowthOnImport(
  listener: ProgressListener,
  setFlags: (flag: string) => void = setFlagsFromString,
): ProgressListener {
  let capped = false;
  return (event) => {
    if (!capped && event.type === "solved" && event.toDownload > 0) {
      capped = true;
      fetched = true;
      setFlags(IMPORT_HEAP_GROWTH_FLAG);
    }
    listener(event);
  };
}

/**
 * True once a listener made by {@link capHeapGrowthOnImport} saw a root with packages to fetch: this process
 * downloads and imports packages. The launcher then makes no code cache at exit (see `grove.ts`).
 */
export function packagesFetched(): boolean {
  return fetched;
}
