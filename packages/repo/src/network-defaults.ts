/**
 * Default network settings, in a module of their own so that code which may not touch the network
 * (a load from unexpired cached metadata) can name them without loading the transport.
 */

/** Default timeout for a request, and for silence within a body (30 s). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default number of retries per URL. */
export const DEFAULT_RETRIES = 3;
/** Default first retry delay (ms). */
export const DEFAULT_RETRY_DELAY_MS = 500;
