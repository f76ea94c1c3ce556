/**
 * The file-system form of a path: the string itself (written as UTF-8 by Node), or, for a name rpm
 * writes as ISO-8859-1, its exact bytes after the (UTF-8) directory it is placed in.
 * @param base - the root directory on disk
 * @param rel - the path inside the root
 * @param latin1 - whether `rel` is written as ISO-8859-1 bytes
 */
export function fsPath(base: string, rel: string, latin1: boolean | undefined): string | Buffer {
  if (!latin1) return base + rel;
  return Buffer.concat([Buffer.from(base, "utf8"), Buffer.from(rel, "latin1")]);
}
