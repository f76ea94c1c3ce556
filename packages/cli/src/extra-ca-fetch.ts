/**
 * HTTPS that trusts the certificate authorities of `NODE_EXTRA_CA_CERTS`, read when the first HTTPS request is
 * made rather than when Node starts.
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import type { SecureContext } from "node:tls";
import type { CliContext } from "./context.js";

/**
 * The variable in which the `grove` launcher (`bin/grove.js`) hands over `NODE_EXTRA_CA_CERTS`, which it takes
 * out of Node's environment: Node 20 reads and parses that file as it starts, 30 ms for Debian's bundle of 140
 * certificates, whether the command goes on the network or not.
 */
export const EXTRA_CA_VARIABLE = "GROVE_EXTRA_CA_CERTS";

/**
 * The `fetch` the CLI's commands pass to the library: `undefined` (the global `fetch`) unless the launcher handed
 * over `NODE_EXTRA_CA_CERTS` in {@link EXTRA_CA_VARIABLE}; then {@link extraCaFetch} of that file. One per
 * context, so that a process parses the file at most once.
 * @param ctx - the environment, and standard error for a warning about the file
 */
export function cliFetch(ctx: CliContext): typeof globalThis.fetch | undefined {
  const file = ctx.env[EXTRA_CA_VARIABLE];
  if (file === undefined || file === "") return undefined;
  let fetch = fetches.get(ctx);
  if (fetch === undefined) {
    fetch = extraCaFetch(file, ctx.stderr);
    fetches.set(ctx, fetch);
  }
  return fetch;
}

const fetches = new WeakMap<CliContext, typeof globalThis.fetch>();

/**
 * A `fetch` for which an https: URL's server may also present a certificate issued by an authority in `file`
 * (PEM), besides Node's own authorities: what `NODE_EXTRA_CA_CERTS` does. The file is read at the first https:
 * request (about 60 ms for Debian's bundle, against the 30 ms Node spends on it at every start); other URLs go
 * to the global `fetch` as they are. As with Node, a file that cannot be read or holds no certificate gives one
 * warning, and the requests trust Node's authorities alone.
 * @param file - a PEM file of one or more certificates
 * @param warn - receives the warning, a line ending in a newline
 */
export function extraCaFetch(file: string, warn: (line: string) => void): typeof globalThis.fetch {
  let dispatcher: Promise<object | undefined> | undefined;
  return async (input, init) => {
    if (!urlOf(input).startsWith("https:")) return globalThis.fetch(input, init);
    dispatcher ??= dispatcherTrusting(file, warn);
    const agent = await dispatcher;
    return globalThis.fetch(input, agent === undefined ? init : ({ ...init, dispatcher: agent } as RequestInit));
  };
}

/**
 * An `Agent` of the undici inside Node (the one its `fetch` runs on) whose connections trust Node's authorities
 * and those of `file`, or `undefined` (warned).
 */
async function dispatcherTrusting(file: string, warn: (line: string) => void): Promise<object | undefined> {
  let context: SecureContext;
  let Agent: AgentClass;
  try {
    const pem = readFileSync(file, "utf8");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate in it");
    // Loaded here, not with this module: a command that makes no HTTPS request has no use for it.
    const { createSecureContext, rootCertificates } = await import("node:tls");
    // One context for every connection: with `ca` instead, each connection would parse the 280-odd certificates
    // again (Node's 140 and Debian's bundle: 56 ms once).
    context = createSecureContext({ ca: [...rootCertificates, pem] });
    Agent = await nodeAgentClass();
  } catch (err) {
    warn(`grove: warning: ignoring extra certificates from ${file} (NODE_EXTRA_CA_CERTS): ${(err as Error).message}\n`);
    return undefined;
  }
  return new Agent({ connect: { secureContext: context } });
}

/** An undici `Agent` constructor: what the options of {@link dispatcherTrusting} need of it. */
type AgentClass = new (options: { connect: { secureContext: SecureContext } }) => object;

/**
 * The `Agent` class of the undici inside Node, from the dispatcher its `fetch` uses: undici keeps that one under
 * `Symbol.for("undici.globalDispatcher.1")` (its way of sharing it between copies of undici), and Node's undici
 * sets it when it loads, which a first `fetch` does (here of a `data:` URL, no I/O). No undici package of our own:
 * importing the npm `undici` took 53 ms, and its `Agent` alone 17 ms, against nothing for Node's, which the HTTPS
 * request loads anyway.
 */
async function nodeAgentClass(): Promise<AgentClass> {
  const key = Symbol.for("undici.globalDispatcher.1");
  const holder = globalThis as unknown as Record<symbol, { constructor?: unknown } | undefined>;
  if (holder[key] === undefined) await (await globalThis.fetch("data:,")).arrayBuffer();
  const Agent = holder[key]?.constructor;
  if (typeof Agent !== "function") throw new Error("this Node's fetch has no undici Agent to configure");
  return Agent as AgentClass;
}

/** The URL `fetch` was given, as text. */
function urlOf(input: Parameters<typeof globalThis.fetch>[0]): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}
