import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GroveError } from "@grove/core/store";
import { RepoErrorCode, repoError } from "../errors.js";
import { assertChecksum, hashFile } from "../fetch/checksum.js";
import { downloadFile } from "../fetch/download-file.js";
import { DEFAULT_TIMEOUT_MS } from "../fetch/transport.js";
import type { RepoNetworkOptions } from "../repository.js";
import { isAbsoluteUrl, resolveHref } from "../urls.js";
import type { RepomdRecord } from "./repomd.js";
import { feedXml, type XmlSink } from "./xml-feed.js";

/** Where a repository's metadata comes from. */
export interface MetadataSource {
  /** Repository id. */
  repoId: string;
  /** Base URLs, preferred first. */
  baseUrls: readonly string[];
  /** The repository's cache directory (downloaded metadata is kept under `repodata/`), if caching. */
  cacheDir: string | undefined;
  /** Network settings. */
  network: RepoNetworkOptions;
  /** Collects problems that were tolerated (e.g. a wrong open-checksum when the checksum matched). */
  warnings: string[];
}

/**
 * Fetch (or find locally), verify and parse one metadata file of a repository: the file's size and
 * checksum are verified before a single byte is parsed; the decompressed size and open-checksum
 * while parsing. `file://` repositories are read in place; http(s) files are downloaded into the
 * cache's `repodata/` (reused on the next call when still valid) or a temporary directory.
 *
 * @param source - repository id, base URLs, cache directory and network settings
 * @param record - the repomd entry of the file
 * @param createParser - makes the tokenizer to feed (its handler builds the result) for the URL read
 * @returns the URL the file was read from
 */
export async function parseMetadataFile(
  source: MetadataSource,
  record: RepomdRecord,
  createParser: (url: string) => XmlSink,
): Promise<string> {
  const urls =
    record.base !== undefined && isAbsoluteUrl(record.base)
      ? [resolveHref(record.base, record.href)]
      : source.baseUrls.map((base) => resolveHref(base, record.href));
  const local = await findLocal(source, record, urls);
  const feed = {
    repoId: source.repoId,
    openChecksum: record.openChecksum,
    openSize: record.openSize,
    warnings: record.checksum === undefined ? undefined : source.warnings,
  };
  if (local !== undefined) {
    const parser = createParser(local.url);
    await feedXml(createReadStream(local.path, { highWaterMark: 1 << 20 }), parser, { ...feed, url: local.url });
    return local.url;
  }
  const keep = source.cacheDir !== undefined;
  const dir = keep ? path.join(source.cacheDir as string, "repodata") : await mkdtemp(path.join(tmpdir(), "grove-md-"));
  const dest = path.join(dir, safeName(record.href));
  try {
    let url: string | undefined;
    if (keep && (await verifiesLocally(dest, record, source.repoId, dest))) url = urls[0];
    url ??= await downloadFile(
      {
        urls,
        dest,
        ...(record.checksum === undefined ? {} : { checksum: record.checksum }),
        ...(record.size === undefined ? {} : { size: record.size }),
      },
      { ...source.network, repoId: source.repoId, timeoutMs: source.network.timeoutMs ?? DEFAULT_TIMEOUT_MS },
    );
    const parser = createParser(url as string);
    await feedXml(createReadStream(dest, { highWaterMark: 1 << 20 }), parser, { ...feed, url: url as string });
    return url as string;
  } finally {
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

/** The verified local copy for `file://` URLs (tried in order); `undefined` when none is `file://`. */
async function findLocal(
  source: MetadataSource,
  record: RepomdRecord,
  urls: readonly string[],
): Promise<{ path: string; url: string } | undefined> {
  const local = urls.filter((url) => url.startsWith("file:"));
  if (local.length === 0) return undefined;
  let failure: unknown;
  for (const url of local) {
    const file = fileURLToPath(url);
    try {
      const info = await stat(file);
      if (!info.isFile()) throw repoError(RepoErrorCode.io, source.repoId, url, "not a regular file");
    } catch (err) {
      failure =
        err instanceof GroveError
          ? err
          : repoError(RepoErrorCode.notFound, source.repoId, url, "file not found", { cause: err });
      continue;
    }
    try {
      await verifiesLocally(file, record, source.repoId, url, true);
      return { path: file, url };
    } catch (err) {
      failure = err;
    }
  }
  if (local.length === urls.length) throw failure;
  return undefined;
}

/**
 * Whether `file` exists with the size and checksum `record` promises. With `strict`, a mismatch
 * throws instead of returning `false`.
 */
async function verifiesLocally(
  file: string,
  record: RepomdRecord,
  repoId: string,
  subject: string,
  strict = false,
): Promise<boolean> {
  try {
    const info = await stat(file);
    if (record.size !== undefined && info.size !== record.size) {
      throw repoError(
        RepoErrorCode.sizeMismatch,
        repoId,
        subject,
        `size mismatch: expected ${record.size} bytes, the file has ${info.size}`,
      );
    }
    if (record.checksum !== undefined) {
      assertChecksum(record.checksum, await hashFile(file, record.checksum.type, repoId, subject), repoId, subject);
    }
    return true;
  } catch (err) {
    if (strict) throw err;
    return false;
  }
}

function safeName(href: string): string {
  const base = path.posix.basename(href);
  return base === "" || base === "." || base === ".." ? "metadata" : base.replace(/[^A-Za-z0-9._+~-]/g, "_");
}
