import type { Duplex } from "node:stream";

/** The bzip2 input ended before the stream did; mapped to `RPM_TRUNCATED`. */
export class Bzip2TruncatedError extends Error {
  constructor(cause: unknown) {
    super(`bzip2 stream ended prematurely (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = "Bzip2TruncatedError";
  }
}

type Unbzip2Factory = () => Duplex;

let unbzip2: Promise<Unbzip2Factory> | undefined;

function loadUnbzip2(): Promise<Unbzip2Factory> {
  unbzip2 ??= import("unbzip2-stream").then((m) => (m.default ?? m) as unknown as Unbzip2Factory);
  return unbzip2;
}

/**
 * Decompresses a bzip2 stream with unbzip2-stream (pure JavaScript). Its decoder works synchronously inside
 * `write()`, emitting whole 100–900 KB blocks as `data` events, so each input chunk's output is collected
 * and yielded before the next chunk is written: memory stays at one block plus one input chunk.
 */
export async function* bunzip2(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const decoder = (await loadUnbzip2())();
  const ready: Uint8Array[] = [];
  let failure: unknown;
  let ended = false;
  decoder.on("data", (chunk: Uint8Array) => ready.push(chunk));
  decoder.on("error", (err: unknown) => {
    failure ??= err;
  });
  decoder.on("end", () => {
    ended = true;
  });
  try {
    for await (const chunk of input) {
      decoder.write(chunk);
      if (failure !== undefined) throw failure;
      while (ready.length > 0) yield ready.shift() as Uint8Array;
    }
    try {
      decoder.end();
    } catch (err) {
      failure ??= err;
    }
    // While flushing the last blocks, unbzip2-stream reports bad data as a Bzip2Error; anything else
    // (its bit reader running off the end of the input) means the input stopped short.
    if (failure !== undefined) {
      throw (failure as Error).name === "Bzip2Error" ? failure : new Bzip2TruncatedError(failure);
    }
    while (ready.length > 0) yield ready.shift() as Uint8Array;
    if (!ended) throw new Error("bzip2 stream did not end");
  } finally {
    decoder.destroy();
  }
}
