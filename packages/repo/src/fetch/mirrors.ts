import { SaxesParser } from "saxes";
import { RepoErrorCode, repoError } from "../errors.js";
import type { Checksum } from "./checksum.js";

/** What a mirrorlist or metalink says. */
export interface MirrorInfo {
  /** Base URLs of the repository (each ending in `/`), best first. */
  baseUrls: string[];
  /** Accepted checksums of repomd.xml (from a metalink, including alternates); empty for a mirrorlist. */
  repomdChecksums: Checksum[];
}

const USABLE = /^(https?|file):\/\//i;

/**
 * Parse a mirrorlist (one URL per line, `#` comments) or, when the text is XML, a metalink.
 *
 * @param text - the downloaded list
 * @param repoId - repository id for errors
 * @param url - where the list came from, for errors
 * @throws GroveError `REPO_BAD_XML` for a malformed metalink, `REPO_NO_URL` when no usable URL is listed
 */
export function parseMirrorList(text: string, repoId: string, url: string): MirrorInfo {
  const info = /^\s*(<\?xml|<metalink)/.test(text) ? parseMetalink(text, repoId, url) : parsePlainList(text);
  if (info.baseUrls.length === 0) {
    throw repoError(RepoErrorCode.noUrl, repoId, url, "the mirror list names no usable http(s):// or file:// URL");
  }
  return info;
}

function parsePlainList(text: string): MirrorInfo {
  const baseUrls: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const entry = line.trim();
    if (entry === "" || entry.startsWith("#") || !USABLE.test(entry)) continue;
    baseUrls.push(asBaseUrl(entry));
  }
  return { baseUrls, repomdChecksums: [] };
}

function parseMetalink(text: string, repoId: string, url: string): MirrorInfo {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const urls: Array<{ url: string; rank: number; order: number }> = [];
  const repomdChecksums: Checksum[] = [];
  const stack: string[] = [];
  let inRepomd = false;
  let hashType: string | undefined;
  let urlRank: number | undefined;
  let textBuffer = "";
  parser.on("opentag", (tag) => {
    const name = localName(tag.name);
    stack.push(name);
    const attrs = tag.attributes as Record<string, string>;
    if (name === "file") inRepomd = attrs.name === "repomd.xml";
    textBuffer = "";
    if (!inRepomd) return;
    if (name === "hash") hashType = attrs.type;
    if (name === "url") {
      const protocol = attrs.protocol;
      const preference = Number(attrs.preference ?? Number.NaN);
      const priority = Number(attrs.priority ?? Number.NaN);
      const rank = Number.isFinite(preference) ? -preference : Number.isFinite(priority) ? priority : 1000;
      urlRank = protocol === undefined || /^(https?|file)$/i.test(protocol) ? rank : undefined;
    }
  });
  parser.on("text", (t) => {
    textBuffer += t;
  });
  parser.on("closetag", () => {
    const name = stack.pop();
    const value = textBuffer.trim();
    textBuffer = "";
    if (name === "file") inRepomd = false;
    if (!inRepomd) return;
    if (name === "hash" && hashType !== undefined && value !== "") {
      repomdChecksums.push({ type: hashType.replace("-", "").toLowerCase(), value: value.toLowerCase() });
      hashType = undefined;
    } else if (name === "url" && urlRank !== undefined && USABLE.test(value)) {
      urls.push({ url: asBaseUrl(value), rank: urlRank, order: urls.length });
      urlRank = undefined;
    }
  });
  try {
    parser.write(text).close();
  } catch (err) {
    throw repoError(RepoErrorCode.badXml, repoId, url, `malformed metalink: ${(err as Error).message}`, { cause: err });
  }
  urls.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return { baseUrls: [...new Set(urls.map((u) => u.url))], repomdChecksums };
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Turn a mirror URL into a repository base URL: strip a trailing `repodata/repomd.xml`, end with `/`.
 *
 * @param url - a mirror URL
 */
export function asBaseUrl(url: string): string {
  const stripped = url.replace(/repodata\/repomd\.xml$/, "");
  return stripped.endsWith("/") ? stripped : `${stripped}/`;
}
