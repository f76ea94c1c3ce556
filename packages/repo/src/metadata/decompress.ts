import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

/** The compressions repository metadata comes in. */
export type MetadataCompression = "none" | "gzip" | "bzip2" | "xz" | "zstd" | "zchunk";

const MAGIC: ReadonlyArray<[MetadataCompression, readonly number[]]> = [
  ["gzip", [0x1f, 0x8b]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["zchunk", [0x00, 0x5a, 0x43, 0x4b, 0x31]],
];

/**
 * The compression of a metadata file, from its first bytes (the file name is not trusted).
 *
 * @param head - the first bytes (6 are enough)
 */
export function detectCompression(head: Uint8Array): MetadataCompression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
  }
  return "none";
}

/** A streaming decoder: compressed chunks in, decompressed chunks out. */
export type Decoder = (input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

const decoders = new Map<MetadataCompression, Decoder>([
  ["none", (input) => input],
  ["gzip", gunzip],
]);

/**
 * Register the decoder for a compression (grove registers the ones `@grove/rpm` provides).
 *
 * @param kind - the compression
 * @param decoder - the decoder
 */
export function registerDecoder(kind: MetadataCompression, decoder: Decoder): void {
  decoders.set(kind, decoder);
}

/**
 * The decoder for `kind`, or `undefined` when grove cannot decode it (zchunk).
 *
 * @param kind - the compression
 */
export function decoderFor(kind: MetadataCompression): Decoder | undefined {
  return decoders.get(kind);
}

async function* gunzip(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const source = Readable.from(input, { objectMode: false });
  const decoder = createGunzip({ chunkSize: 128 << 10 });
  source.on("error", (err) => decoder.destroy(err));
  source.pipe(decoder);
  try {
    for await (const chunk of decoder) yield chunk as Uint8Array;
  } finally {
    source.unpipe(decoder);
    source.destroy();
    decoder.destroy();
  }
}
