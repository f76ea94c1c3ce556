import { isAscii } from "node:buffer";
import { GroveError } from "@grove/core";
import { SaxesParser } from "saxes";
import { RepoErrorCode, repoError } from "../errors.js";
import { assertChecksum, type Checksum, createChecksumHash } from "../fetch/checksum.js";
import { decoderFor, detectCompression } from "./decompress.js";

/** What to check while feeding a metadata file to an XML parser. */
export interface XmlFeedOptions {
  /** Repository id, for messages. */
  repoId: string;
  /** The file's URL, for messages. */
  url: string;
  /** Expected checksum of the decompressed content (repomd's `open-checksum`). */
  openChecksum?: Checksum | undefined;
  /** Expected size of the decompressed content (repomd's `open-size`). */
  openSize?: number | undefined;
  /**
   * Where to report an open-checksum/open-size mismatch instead of throwing. Pass it when the
   * compressed file's own checksum was verified: the decompressed bytes are then fully determined,
   * so a mismatch means the generator wrote a wrong open-checksum (dnf does not check it at all).
   */
  warnings?: string[] | undefined;
}

/** A non-namespace-aware saxes parser, as the metadata parsers use. */
export type XmlParser = SaxesParser<{ xmlns: false; position: true }>;

/** A fresh parser for one metadata file. */
export function createXmlParser(): XmlParser {
  return new SaxesParser({ xmlns: false, position: true });
}

/**
 * Decompress `chunks` (compression detected from the first bytes) and feed the text to `parser`,
 * verifying the decompressed size and open-checksum at the end. Memory stays at one chunk.
 * Errors thrown by the parser's handlers (GroveErrors) pass through unchanged.
 *
 * @param chunks - the raw (possibly compressed) file content
 * @param parser - a parser with its handlers attached
 * @param options - ids, URL and expectations
 * @throws GroveError `REPO_BAD_XML`, `REPO_BAD_COMPRESSION`, `REPO_CHECKSUM_MISMATCH`, `REPO_SIZE_MISMATCH`
 */
export async function feedXml(
  chunks: AsyncIterable<Uint8Array>,
  parser: XmlParser,
  options: XmlFeedOptions,
): Promise<void> {
  const { repoId, url } = options;
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done === true ? new Uint8Array(0) : first.value;
  const kind = detectCompression(head);
  const decoder = decoderFor(kind);
  if (decoder === undefined) {
    throw repoError(RepoErrorCode.badCompression, repoId, url, `${kind} compressed metadata is not supported`, {
      hint: "grove reads gzip, xz, zstd, bzip2 and uncompressed metadata",
    });
  }
  const rest: AsyncIterable<Uint8Array> = {
    async *[Symbol.asyncIterator]() {
      if (first.done !== true) yield first.value;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
    },
  };
  const hash =
    options.openChecksum === undefined ? undefined : createChecksumHash(options.openChecksum.type, repoId, url);
  const text = new TextDecoder("utf-8");
  // The decoder holds no partial character after a chunk that ended in an ASCII byte; an all-ASCII
  // chunk after such a chunk is then decoded directly as latin1 (a plain copy, about twice as fast).
  // The first chunk always goes through the decoder, so it (alone) handles a leading BOM.
  let clean = false;
  let size = 0;
  try {
    for await (const chunk of decoder(rest, url)) {
      size += chunk.length;
      if (options.openSize !== undefined && size > options.openSize) {
        // Stop at once: more data than repomd announces (this also bounds a decompression bomb).
        throw repoError(
          RepoErrorCode.sizeMismatch,
          repoId,
          url,
          `decompressed size mismatch: more than the ${options.openSize} bytes repomd.xml announces (open-size)`,
        );
      }
      hash?.update(chunk);
      writeXml(parser, decodeChunk(text, chunk, clean), options);
      if (chunk.length > 0) clean = (chunk[chunk.length - 1] as number) < 0x80;
    }
  } catch (err) {
    throw decompressionError(err, kind, options);
  }
  writeXml(parser, text.decode(), options);
  try {
    parser.close();
  } catch (err) {
    if (err instanceof GroveError) throw err;
    throw repoError(RepoErrorCode.badXml, repoId, url, `malformed XML: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (options.openSize !== undefined && size !== options.openSize) {
      throw repoError(
        RepoErrorCode.sizeMismatch,
        repoId,
        url,
        `decompressed size mismatch: expected ${options.openSize} bytes (open-size), got ${size}`,
      );
    }
    if (options.openChecksum !== undefined && hash !== undefined) {
      assertChecksum(options.openChecksum, hash.digest("hex"), repoId, url, "open-checksum (of the decompressed data)");
    }
  } catch (err) {
    if (options.warnings === undefined || !(err instanceof GroveError)) throw err;
    options.warnings.push(`${err.message} (ignored: the file's checksum matched)`);
  }
}

/** The part of `TextDecoder` used here. */
interface StreamDecoder {
  decode(input: Uint8Array, options: { stream: boolean }): string;
}

/**
 * The text of `chunk`: decoded by `decoder` (streaming), or, when `clean` (the decoder holds no
 * partial character) and the chunk is all ASCII, copied as latin1, which gives the same text faster.
 */
function decodeChunk(decoder: StreamDecoder, chunk: Uint8Array, clean: boolean): string {
  if (clean && chunk.length > 0 && isAscii(chunk)) {
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
  }
  return decoder.decode(chunk, { stream: true });
}

function writeXml(parser: XmlParser, text: string, options: XmlFeedOptions): void {
  if (text === "") return;
  try {
    parser.write(text);
  } catch (err) {
    if (err instanceof GroveError) throw err;
    throw repoError(RepoErrorCode.badXml, options.repoId, options.url, `malformed XML: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Decoder failures (plain errors or `@grove/rpm`'s `RPM_*` GroveErrors) as `REPO_BAD_COMPRESSION`. */
function decompressionError(err: unknown, kind: string, options: XmlFeedOptions): unknown {
  if (!(err instanceof Error)) return err;
  if (err instanceof GroveError && !err.code.startsWith("RPM_")) return err;
  const cause = err instanceof GroveError && err.cause instanceof Error ? err.cause : err;
  const truncated = err instanceof GroveError && err.code === "RPM_TRUNCATED";
  const what = truncated ? "the file ends too early" : cause.message;
  return repoError(RepoErrorCode.badCompression, options.repoId, options.url, `cannot decompress (${kind}): ${what}`, {
    cause: err,
    ...(err instanceof GroveError && err.hint !== undefined ? { hint: err.hint } : {}),
  });
}
