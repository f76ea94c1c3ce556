/**
 * The decompressors on their own: format detection from magic bytes, byte-exact round trips against the
 * command-line compressors with awkward chunk boundaries, the zstd worker against the inline decoder, and
 * truncated or corrupt streams turning into the right GroveError.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import { detectCompressor, type PayloadCompressor } from "../src/payload/compression.js";
import { unzstd, ZSTD_WORKER_THRESHOLD } from "../src/payload/decoders/zstd.js";
import { decompressPayload } from "../src/payload/decompress.js";
import { expectGroveError } from "./payload-test-helpers.js";

/** ~1.5 MB that compresses like a real payload: repeated text with random bytes sprinkled in. */
function sampleData(size: number): Buffer {
  const words = "usr lib x86_64-linux-gnu libc.so.6 GLIBC_2.34 #include <stdio.h> int main(void) { return 0; }\n";
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = words.charCodeAt(i % words.length);
  const noise = randomBytes(size / 64);
  for (let i = 0; i < noise.length; i++) out[(i * 64 + (noise[i] as number)) % size] = noise[i] as number;
  return out;
}

/** Splits bytes into chunks of pseudo-random sizes between 1 and `max`. */
function* chunks(bytes: Uint8Array, max: number, seed = 7): Generator<Uint8Array> {
  let state = seed;
  for (let offset = 0; offset < bytes.length; ) {
    state = (state * 1103515245 + 12345) >>> 0;
    const size = 1 + (state % max);
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function* asAsync(parts: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function decodeAll(
  compressor: PayloadCompressor,
  parts: Iterable<Uint8Array>,
  expectedSize = 0,
): Promise<Buffer> {
  const out: Uint8Array[] = [];
  for await (const chunk of decompressPayload(compressor, asAsync(parts), "test.rpm", expectedSize)) out.push(chunk);
  return Buffer.concat(out);
}

const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

const DATA = sampleData(1536 * 1024);
const TOOLS: Record<Exclude<PayloadCompressor, "none">, string[]> = {
  gzip: ["gzip", "-9c"],
  bzip2: ["bzip2", "-9c"],
  xz: ["xz", "-c", "--check=sha256"],
  lzma: ["xz", "--format=lzma", "-c"],
  zstd: ["zstd", "-19", "-c", "-q"],
};

function compressWithTool(compressor: Exclude<PayloadCompressor, "none">, data: Uint8Array): Buffer {
  const [tool, ...args] = TOOLS[compressor];
  return execFileSync(tool as string, args, { input: data, maxBuffer: 64 << 20 });
}

describe("detectCompressor", () => {
  const head = (...bytes: number[]): Uint8Array => Uint8Array.from([...bytes, 0, 0, 0, 0, 0, 0].slice(0, 6));
  it("trusts magic numbers over the header", () => {
    expect(detectCompressor(head(0x1f, 0x8b, 8), "xz", "t")).toBe("gzip");
    expect(detectCompressor(head(0x42, 0x5a, 0x68, 0x39), "", "t")).toBe("bzip2");
    expect(detectCompressor(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]), "gzip", "t")).toBe("xz");
    expect(detectCompressor(head(0x28, 0xb5, 0x2f, 0xfd), "", "t")).toBe("zstd");
    expect(detectCompressor(new TextEncoder().encode("070701"), "gzip", "t")).toBe("none");
    expect(detectCompressor(new TextEncoder().encode("07070X"), "", "t")).toBe("none");
  });
  it("accepts LZMA-alone (no magic) when the header says lzma or the usual properties appear", () => {
    expect(detectCompressor(Uint8Array.from([0x5d, 0, 0, 0x80, 0, 0xff]), "lzma", "t")).toBe("lzma");
    expect(detectCompressor(Uint8Array.from([0x5d, 0, 0, 0x80, 0, 0xff]), "", "t")).toBe("lzma");
    expect(detectCompressor(Uint8Array.from([0x6d, 0, 0, 0x10, 0, 0xff]), "lzma", "t")).toBe("lzma");
  });
  it("rejects anything else with RPM_PAYLOAD_UNKNOWN_COMPRESSION", () => {
    expect(() => detectCompressor(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0]), "gzip", "t")).toThrowError(
      expect.objectContaining({ code: "RPM_PAYLOAD_UNKNOWN_COMPRESSION" }),
    );
    expect(() => detectCompressor(Uint8Array.from([0xff, 0, 0, 0x80, 0, 0xff]), "lzma", "t")).toThrowError(
      expect.objectContaining({ code: "RPM_PAYLOAD_UNKNOWN_COMPRESSION" }),
    );
  });
});

describe("decompressors", () => {
  for (const compressor of Object.keys(TOOLS) as Exclude<PayloadCompressor, "none">[]) {
    describe(compressor, () => {
      const compressed = compressWithTool(compressor, DATA);

      it("decodes byte-exactly whatever the input chunking", async () => {
        expect(sha(await decodeAll(compressor, [compressed]))).toBe(sha(DATA));
        expect(sha(await decodeAll(compressor, chunks(compressed, 4096)))).toBe(sha(DATA));
        expect(sha(await decodeAll(compressor, chunks(compressed, 13)))).toBe(sha(DATA));
      });

      it("a cut stream is RPM_TRUNCATED", async () => {
        for (const keep of [0.3, 0.97]) {
          const cut = compressed.subarray(0, Math.floor(compressed.length * keep));
          await expectGroveError(decodeAll(compressor, chunks(cut, 65536)), "RPM_TRUNCATED");
        }
      });

      it("garbage in the middle is a GroveError (corrupt or detected short), never a crash", async () => {
        const damaged = Buffer.from(compressed);
        for (let i = Math.floor(damaged.length / 3); i < Math.floor(damaged.length / 3) + 64; i++) damaged[i] = 0xa5;
        try {
          const out = await decodeAll(compressor, [damaged]);
          // A format without an integrity check may decode garbage; it must then differ (caught by digests).
          expect(sha(out)).not.toBe(sha(DATA));
        } catch (err) {
          expect(isGroveError(err), String(err)).toBe(true);
          expect(["RPM_PAYLOAD_CORRUPT", "RPM_TRUNCATED"]).toContain((err as { code: string }).code);
        }
      });
    });
  }
});

describe("decoder memory limits", () => {
  it("a zstd frame with a window over 128 MiB is RPM_PAYLOAD_TOO_LARGE, as rpm refuses it", async () => {
    // Compressed from a pipe, the frame keeps the 1 GiB window --long=30 asks for.
    const frame = execFileSync("bash", ["-c", "head -c 100000 /dev/zero | zstd --long=30 -c -q"]);
    await expectGroveError(decodeAll("zstd", [frame]), "RPM_PAYLOAD_TOO_LARGE");
    await expectGroveError(decodeAll("zstd", [frame], ZSTD_WORKER_THRESHOLD), "RPM_PAYLOAD_TOO_LARGE");
  });
});

describe("zstd on a worker thread", () => {
  const zstd = createRequire(import.meta.url)("zstd-napi") as { compress(data: Uint8Array): Buffer };
  const big = sampleData(24 << 20);
  const compressed = zstd.compress(big);

  it("decodes exactly what the inline decoder decodes", async () => {
    const inline = await decodeAll("zstd", chunks(compressed, 1 << 20), 0);
    const onWorker = await decodeAll("zstd", chunks(compressed, 1 << 20), ZSTD_WORKER_THRESHOLD);
    expect(inline.length).toBe(big.length);
    expect(sha(onWorker)).toBe(sha(big));
  });

  it("a cut stream is RPM_TRUNCATED, garbage is RPM_PAYLOAD_CORRUPT", async () => {
    const cut = compressed.subarray(0, compressed.length - 100);
    await expectGroveError(decodeAll("zstd", chunks(cut, 1 << 20), ZSTD_WORKER_THRESHOLD), "RPM_TRUNCATED");
    const damaged = Buffer.from(compressed);
    damaged.fill(0xa5, 0, 4);
    await expectGroveError(decodeAll("zstd", [damaged], ZSTD_WORKER_THRESHOLD), "RPM_PAYLOAD_CORRUPT");
  });

  it("stopping early ends the worker", async () => {
    const decoder = unzstd(asAsync(chunks(compressed, 1 << 20)), ZSTD_WORKER_THRESHOLD);
    const first = await decoder.next();
    expect(first.done).toBe(false);
    await decoder.return(undefined);
    expect((await decoder.next()).done).toBe(true);
  });
});
