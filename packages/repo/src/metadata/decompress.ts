import type { PayloadCompressor } from "@grove/rpm";

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
export type Decoder = (input: AsyncIterable<Uint8Array>, subject: string) => AsyncIterable<Uint8Array>;

/**
 * The decoder for `kind` (the same decompressors `@grove/rpm` uses for payloads), or `undefined`
 * when grove cannot decode it (zchunk: repositories also list the plain variant).
 * Decoder failures are GroveErrors with `RPM_` codes (`RPM_TRUNCATED`, `RPM_PAYLOAD_CORRUPT`, ...).
 *
 * @param kind - the compression
 */
export function decoderFor(kind: MetadataCompression): Decoder | undefined {
  if (kind === "none") return (input) => input;
  if (kind === "zchunk") return undefined;
  const compressor: PayloadCompressor = kind;
  return (input, subject) => decompressLazily(compressor, input, subject);
}

/** `@grove/rpm`'s payload decoders, loaded on the first compressed file (a metadata-cache miss). */
async function* decompressLazily(
  compressor: PayloadCompressor,
  input: AsyncIterable<Uint8Array>,
  subject: string,
): AsyncIterable<Uint8Array> {
  const { decompressPayload } = await import("@grove/rpm/payload");
  yield* decompressPayload(compressor, input, subject);
}
