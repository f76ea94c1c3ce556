import { GroveError } from "@grove/core/store";
import { SaxesParser } from "saxes";
import { RepoErrorCode, repoError } from "../errors.js";
import { assertChecksum, type Checksum, createChecksumHash } from "../fetch/checksum.js";
import { decoderFor, detectCompression } from "./decompress.js";
import { XmlSyntaxError } from "./xml-tokenizer.js";

/** What to check while feeding a metadata file to an XML tokenizer. */
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

/** A non-namespace-aware saxes parser (for the small repomd.xml; the big files go through {@link feedXml}). */
export type XmlParser = SaxesParser<{ xmlns: false; position: true }>;

/** A fresh parser for one metadata file. */
export function createXmlParser(): XmlParser {
  return new SaxesParser({ xmlns: false, position: true });
}

/** Where {@link feedXml} sends the decompressed bytes: an {@link XmlTokenizer} with its handler. */
export interface XmlSink {
  /** Take the next chunk of the document. */
  write(chunk: Uint8Array): void;
  /** The document is complete. */
  close(): void;
}

/**
 * Decompress `chunks` (compression detected from the first bytes) and feed the bytes to `sink`,
 * verifying the decompressed size and open-checksum at the end. Memory stays at one chunk.
 * Errors thrown by the sink's handlers (GroveErrors) pass through unchanged.
 *
 * @param chunks - the raw (possibly compressed) file content
 * @param sink - a tokenizer with its handler attached
 * @param options - ids, URL and expectations
 * @throws GroveError `REPO_BAD_XML`, `REPO_BAD_COMPRESSION`, `REPO_CHECKSUM_MISMATCH`, `REPO_SIZE_MISMATCH`
 */
export async function feedXml(
  chunks: AsyncIterable<Uint8Array>,
  sink: XmlSink,
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
      feed(() => sink.write(chunk), options);
    }
  } catch (err) {
    throw decompressionError(err, kind, options);
  }
  feed(() => sink.close(), options);
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

/** Run `step`, turning an {@link XmlSyntaxError} into `REPO_BAD_XML` naming the repository, URL and byte offset. */
function feed(step: () => void, options: XmlFeedOptions): void {
  try {
    step();
  } catch (err) {
    if (!(err instanceof XmlSyntaxError)) throw err;
    throw repoError(
      RepoErrorCode.badXml,
      options.repoId,
      options.url,
      `malformed XML: byte ${err.offset}: ${err.message}`,
      { cause: err },
    );
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
