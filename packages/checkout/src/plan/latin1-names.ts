import { readFileSync } from "node:fs";
import { parseObjectId } from "@grove/core/store";
import { parseHeaderBlob, Tag } from "@grove/rpm/header";
import { headerFromObject } from "@grove/rpm/header-object";
import type { CheckoutCommit } from "../types.js";

const NON_ASCII = /[^\x00-\x7f]/;
const BEYOND_LATIN1 = /[^\x00-\xff]/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * True when `name` may be the ISO-8859-1 decoding of bytes that are not UTF-8 (the RPM reader decodes
 * names as UTF-8 when valid, else as ISO-8859-1): it has non-ASCII characters, none beyond U+00FF, and
 * its ISO-8859-1 bytes are not valid UTF-8. Such a name is ambiguous (its UTF-8 bytes decode to it too);
 * only the package header tells which bytes rpm writes.
 * @param name - a path or link target
 */
export function mayBeLatin1(name: string): boolean {
  if (!NON_ASCII.test(name) || BEYOND_LATIN1.test(name)) return false;
  try {
    strictUtf8.decode(Buffer.from(name, "latin1"));
    return false;
  } catch {
    return true;
  }
}

/** Names of one package that rpm writes as ISO-8859-1 bytes (as the decoded strings commits hold). */
export interface Latin1Names {
  /** File paths. */
  paths: Set<string>;
  /** Symlink targets. */
  targets: Set<string>;
}

/**
 * For an RPM package commit with ambiguous non-ASCII names (see {@link mayBeLatin1}), reads its stored
 * main header and returns the paths and link targets whose bytes in the package are not UTF-8, so
 * checkout writes exactly rpm's bytes. `undefined` when the commit has no such names, is not an RPM
 * commit, or its header cannot be read (then names are written as UTF-8).
 * @param storeDir - the grove directory (objects)
 * @param c - the package commit
 */
export function latin1NamesOf(storeDir: string, c: CheckoutCommit): Latin1Names | undefined {
  const ambiguous = c.commit.entries.some(
    (e) => mayBeLatin1(e.path) || (e.type === "symlink" && e.linkTo !== undefined && mayBeLatin1(e.linkTo)),
  );
  if (!ambiguous) return undefined;
  const header = c.commit.metadata.header;
  const id = typeof header === "string" ? parseObjectId(header) : undefined;
  if (c.commit.metadata.kind !== "rpm" || id === undefined) return undefined;
  try {
    const bytes = headerFromObject(readFileSync(`${storeDir}/objects/${id.sha256.slice(0, 2)}/${header}`), c.label);
    // The stored blob starts with the 8-byte magic; the header proper (il, dl, index, data) follows.
    const h = parseHeaderBlob(new Uint8Array(bytes.subarray(8)), { subject: c.label, kind: "header" });
    const paths = new Set<string>();
    const dirs = h.getRawStrings(Tag.DIRNAMES);
    const bases = h.getRawStrings(Tag.BASENAMES);
    const indexes = h.getNumbers(Tag.DIRINDEXES);
    if (dirs !== undefined && bases !== undefined && indexes !== undefined) {
      bases.forEach((base, i) => {
        const dir = dirs[indexes[i] ?? -1];
        if (dir !== undefined) addIfNotUtf8(paths, Buffer.concat([dir, base]));
      });
    } else {
      for (const name of h.getRawStrings(Tag.OLDFILENAMES) ?? []) addIfNotUtf8(paths, Buffer.from(name));
    }
    const targets = new Set<string>();
    for (const target of h.getRawStrings(Tag.FILELINKTOS) ?? []) addIfNotUtf8(targets, Buffer.from(target));
    return { paths, targets };
  } catch {
    return undefined;
  }
}

function addIfNotUtf8(out: Set<string>, bytes: Buffer): void {
  try {
    strictUtf8.decode(bytes);
  } catch {
    let s = bytes.toString("latin1");
    if (s.length > 1 && s.endsWith("/")) s = s.slice(0, -1);
    out.add(s);
  }
}
