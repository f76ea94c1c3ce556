import { GroveError } from "@grove/core/store";
import { RepoErrorCode, repoError } from "../errors.js";
import type { Checksum } from "../fetch/checksum.js";
import { createXmlParser } from "./xml-feed.js";

/** One `<data>` entry of repomd.xml: a metadata file of the repository. */
export interface RepomdRecord {
  /** The `type` attribute: `primary`, `filelists`, `other`, `primary_zck`, `updateinfo`, ... */
  type: string;
  /** `location href` relative to the repository base URL. */
  href: string;
  /** `location xml:base`, when given. */
  base?: string;
  /** Checksum of the file as stored (compressed). */
  checksum?: Checksum;
  /** Checksum of the decompressed content. */
  openChecksum?: Checksum;
  /** Size of the file as stored. */
  size?: number;
  /** Size of the decompressed content. */
  openSize?: number;
  /** Timestamp (seconds since the epoch). */
  timestamp?: number;
}

/** A parsed repomd.xml. */
export interface Repomd {
  /** The `<revision>` text, when present. */
  revision?: string;
  /** Metadata files by type (the first entry of each type wins; entries without a type are ignored). */
  records: Map<string, RepomdRecord>;
}

/**
 * Parse repomd.xml.
 *
 * @param text - the file content
 * @param repoId - repository id for messages
 * @param url - its URL for messages
 * @throws GroveError `REPO_BAD_XML` for malformed XML, `REPO_BAD_METADATA` when the root is not `<repomd>`
 *   or an entry lacks a location
 */
export function parseRepomd(text: string, repoId: string, url: string): Repomd {
  const parser = createXmlParser();
  const repomd: Repomd = { records: new Map() };
  const stack: string[] = [];
  let record: Partial<RepomdRecord> | undefined;
  let checksumType: string | undefined;
  let buffer = "";
  parser.on("opentag", (tag) => {
    const attrs = tag.attributes as Record<string, string>;
    if (stack.length === 0 && tag.name !== "repomd") {
      throw repoError(RepoErrorCode.badMetadata, repoId, url, `not a repomd.xml: the root element is <${tag.name}>`);
    }
    stack.push(tag.name);
    buffer = "";
    if (stack.length === 2 && tag.name === "data") record = attrs.type === undefined ? undefined : { type: attrs.type };
    else if (stack.length === 3 && record !== undefined) {
      if (tag.name === "location") {
        if (attrs.href !== undefined) record.href = attrs.href;
        if (attrs["xml:base"] !== undefined && attrs["xml:base"] !== "") record.base = attrs["xml:base"];
      } else if (tag.name === "checksum" || tag.name === "open-checksum") checksumType = attrs.type ?? "sha256";
    }
  });
  parser.on("text", (t) => {
    buffer += t;
  });
  parser.on("closetag", (tag) => {
    const depth = stack.length;
    stack.pop();
    const value = buffer.trim();
    buffer = "";
    if (depth === 2 && tag.name === "revision") repomd.revision = value;
    if (depth === 2 && tag.name === "data" && record !== undefined) {
      if (record.href === undefined) {
        throw repoError(RepoErrorCode.badMetadata, repoId, url, `<data type="${record.type}"> has no <location href>`);
      }
      if (!repomd.records.has(record.type as string)) repomd.records.set(record.type as string, record as RepomdRecord);
      record = undefined;
    }
    if (depth !== 3 || record === undefined) return;
    switch (tag.name) {
      case "checksum":
        record.checksum = { type: checksumType ?? "sha256", value: value.toLowerCase() };
        break;
      case "open-checksum":
        record.openChecksum = { type: checksumType ?? "sha256", value: value.toLowerCase() };
        break;
      case "size":
        if (/^\d+$/.test(value)) record.size = Number(value);
        break;
      case "open-size":
        if (/^\d+$/.test(value)) record.openSize = Number(value);
        break;
      case "timestamp":
        if (/^\d+(\.\d+)?$/.test(value)) record.timestamp = Number(value);
        break;
    }
  });
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof GroveError) throw err;
    throw repoError(RepoErrorCode.badXml, repoId, url, `malformed XML: ${(err as Error).message}`, { cause: err });
  }
  return repomd;
}
