import { Readable, type Transform } from "node:stream";

/** Input chunk size handed to Node transforms (large chunks keep per-chunk overhead low). */
const SOURCE_HIGH_WATER_MARK = 1 << 20;

/**
 * Streams `input` through a Node `Transform` (a zlib or liblzma decoder) and yields its output, with
 * backpressure in both directions. Errors of the input or of the transform are rethrown as they are;
 * stopping early destroys both streams.
 */
export async function* throughNodeTransform(
  input: AsyncIterable<Uint8Array>,
  transform: Transform,
): AsyncGenerator<Uint8Array> {
  const source = Readable.from(input, { objectMode: false, highWaterMark: SOURCE_HIGH_WATER_MARK });
  source.on("error", (err) => transform.destroy(err));
  source.pipe(transform);
  try {
    for await (const chunk of transform) yield chunk as Uint8Array;
  } finally {
    source.unpipe(transform);
    source.destroy();
    transform.destroy();
  }
}
