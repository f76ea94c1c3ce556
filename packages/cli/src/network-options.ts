/**
 * The network options the CLI's commands give the library.
 * @packageDocumentation
 */
import type { CliContext } from "./context.js";
import { cliFetch } from "./extra-ca-fetch.js";

/** Network options of `assemble`, `upgrade` and `solve`. */
export interface CliNetworkOptions {
  /** Check repository metadata with the server now (`--refresh`). */
  refresh: boolean;
  /** The `fetch` to use, when not the global one (see {@link cliFetch}). */
  fetch?: typeof globalThis.fetch;
}

/**
 * The network options for a command run in `ctx`.
 * @param ctx - the command's context
 * @param refresh - whether `--refresh` was given
 */
export function networkOptions(ctx: CliContext, refresh: boolean): CliNetworkOptions {
  const fetch = cliFetch(ctx);
  return fetch === undefined ? { refresh } : { refresh, fetch };
}
