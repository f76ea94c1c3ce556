/**
 * coalesceChunks: small stream pieces regrouped into shared chunks of a fixed size, bytes unchanged.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { coalesceChunks } from "../src/io/coalesce-chunks.js";

async function* pieces(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length] as number;
    yield bytes.subarray(at, at + n);
    at += n;
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

describe("coalesceChunks", () => {
  it("yields full chunks of the given size, then the rest, with the bytes unchanged", async () => {
    const data = randomBytes(10_000);
    const out = await collect(coalesceChunks(pieces(data, [1, 700, 0, 3000, 17]), 4096));
    expect(out.map((c) => c.length)).toEqual([4096, 4096, 10_000 - 8192]);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    for (const chunk of out) expect(chunk.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it("splits pieces larger than a chunk, and yields nothing for an empty stream", async () => {
    const data = randomBytes(9000);
    const out = await collect(coalesceChunks(pieces(data, [9000]), 4000));
    expect(out.map((c) => c.length)).toEqual([4000, 4000, 1000]);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(await collect(coalesceChunks([], 10))).toEqual([]);
    expect(await collect(coalesceChunks([new Uint8Array(0)], 10))).toEqual([]);
  });

  it("passes an error of the source through", async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(5);
      throw new Error("source broke");
    }
    await expect(collect(coalesceChunks(broken(), 4))).rejects.toThrow("source broke");
  });
});
