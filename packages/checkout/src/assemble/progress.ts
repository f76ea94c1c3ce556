import type { AssemblePhase } from "../generations/assemble-root.js";

/**
 * What {@link assemble} and {@link upgrade} report while they work, for progress displays. Events
 * arrive in this order per root: `metadata` (once per run), `solved`, `download`s, `import`s, then
 * `assemble` phases, or `up-to-date` instead of everything after `metadata`.
 */
export type GroveProgress =
  | {
      /** Repository metadata is loaded. */
      type: "metadata";
      /** Each repository and whether its parsed metadata came from the cache. */
      repos: { id: string; fromCache: boolean }[];
    }
  | {
      /** The request is solved. */
      type: "solved";
      /** Root name. */
      root: string;
      /** Packages in the root. */
      packages: number;
      /** Packages the store lacks, to fetch. */
      toDownload: number;
      /** Their total size in bytes. */
      downloadBytes: number;
    }
  | {
      /** Download progress (over all packages to fetch for this root). */
      type: "download";
      /** Root name. */
      root: string;
      /** Packages fetched so far. */
      done: number;
      /** Packages to fetch. */
      count: number;
      /** Bytes received so far. */
      receivedBytes: number;
      /** Bytes to receive. */
      totalBytes: number;
    }
  | {
      /** A download attempt failed and starts over (with backoff, or from the next mirror). */
      type: "retry";
      /** Root name. */
      root: string;
      /** The package. */
      nevra: string;
      /** What failed. */
      message: string;
    }
  | {
      /** A package was imported into the store. */
      type: "import";
      /** Root name. */
      root: string;
      /** Packages imported so far. */
      done: number;
      /** Packages to import. */
      count: number;
      /** The package just imported. */
      nevra: string;
    }
  | {
      /** The root's new generation is being built. */
      type: "assemble";
      /** Root name. */
      root: string;
      /** The phase that starts. */
      phase: AssemblePhase;
    }
  | {
      /** Nothing to do for this root. */
      type: "up-to-date";
      /** Root name. */
      root: string;
      /** Its current generation. */
      generation: number;
    };

/** A receiver of {@link GroveProgress} events. */
export type ProgressListener = (event: GroveProgress) => void;
