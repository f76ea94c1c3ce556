import { RepoErrorCode, repoError } from "../errors.js";
import { type FileLists, FileListsBuilder } from "../model/file-lists.js";
import { FileKind, type PackageTable } from "../model/package-table.js";
import { type XmlAttributes, type XmlHandler, XmlTokenizer } from "./xml-tokenizer.js";

/** A filelists.xml parser in progress: feed `parser` with {@link feedXml}, then call `finish()`. */
export interface FilelistsParse {
  /** The tokenizer to feed. */
  parser: XmlTokenizer;
  /** The handler building the lists (to drive it from another tokenizer, e.g. in tests). */
  handler: XmlHandler;
  /** The file lists by package index of `table` (call after the whole file was fed). */
  finish(): FileLists;
}

/**
 * Create a streaming filelists.xml parser that attaches each `<package pkgid=...>`'s files to the
 * package with that checksum in `table`. Packages primary does not list are ignored.
 *
 * @param table - the repository's primary table
 * @param repoId - repository id for messages
 * @param url - the file's URL for messages
 * @throws GroveError `REPO_BAD_METADATA` (from the handlers) when the root is not `<filelists>` or a
 *   package has no pkgid
 */
export function createFilelistsParser(table: PackageTable, repoId: string, url: string): FilelistsParse {
  const builder = new FileListsBuilder(table.count);
  const byPkgid = new Map<string, number>();
  for (let i = table.count - 1; i >= 0; i--) byPkgid.set(table.pkgid(i), i);
  let depth = 0;
  let skipFrom = 0; // depth at which an ignored subtree started (0 = none)
  let current = -1; // package index, -1 when the package is not in primary
  let inFile = false;
  let fileKind: number = FileKind.file;
  let text = "";
  let ordinal = 0;

  const openTag = (name: string, attrs: XmlAttributes): boolean => {
    depth++;
    if (skipFrom !== 0) return false;
    if (depth === 1) {
      if (name !== "filelists") {
        throw repoError(RepoErrorCode.badMetadata, repoId, url, `not a filelists.xml: the root element is <${name}>`);
      }
    } else if (depth === 2) {
      if (name !== "package") {
        skipFrom = depth;
        return false;
      }
      ordinal++;
      const pkgid = attrs.get("pkgid");
      if (pkgid === undefined || pkgid === "") {
        const pkgName = attrs.get("name");
        const label = pkgName === undefined ? `package #${ordinal}` : `package "${pkgName}" (#${ordinal})`;
        throw repoError(RepoErrorCode.badMetadata, repoId, url, `${label} has no pkgid`);
      }
      current = byPkgid.get(pkgid.toLowerCase()) ?? -1;
    } else if (depth === 3 && name === "file") {
      inFile = true;
      text = "";
      const type = attrs.get("type");
      fileKind = type === "dir" ? FileKind.dir : type === "ghost" ? FileKind.ghost : FileKind.file;
      return true;
    } else if (depth >= 3) {
      skipFrom = depth;
    }
    return false;
  };
  const closeTag = (): void => {
    if (skipFrom === depth) skipFrom = 0;
    else if (inFile && depth === 3) {
      inFile = false;
      if (current >= 0) builder.addFile(current, text.trim(), fileKind);
    }
    depth--;
  };
  const handler: XmlHandler = {
    openTag,
    text: (t) => {
      if (inFile) text += t;
    },
    closeTag,
  };
  return { parser: new XmlTokenizer(handler), handler, finish: () => builder.finish() };
}
