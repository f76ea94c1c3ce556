import { GroveError } from "../errors.js";

/** Longest file name (one path segment) Linux file systems accept, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 255;
/** Longest path Linux accepts (PATH_MAX - 1), in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4095;

/**
 * Normalises an entry path to the form commits store: absolute, `/`-separated, no empty or `.`
 * segments, no trailing slash (`/` itself for the root). `./usr/bin/x`, `usr/bin/x` and
 * `/usr//bin/./x` all become `/usr/bin/x`.
 *
 * Throws `STORE_BAD_PATH` naming the path for the empty string, a NUL byte, any `..` segment
 * (even one that would stay inside the tree: it may cross a symlink), or a segment or path
 * longer than Linux accepts.
 * @param raw - the path as the importer got it
 * @param subject - what the path belongs to, for the message (e.g. the package file)
 */
export function normalizeEntryPath(raw: string, subject?: string): string {
  if (typeof raw !== "string" || raw.length === 0) throw badPath(raw, "the path is empty", subject);
  if (raw.includes("\0")) throw badPath(raw, "the path contains a NUL byte", subject);
  const segments: string[] = [];
  for (const segment of raw.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") throw badPath(raw, "the path contains a '..' segment", subject);
    if (Buffer.byteLength(segment) > MAX_NAME_BYTES) {
      throw badPath(raw, `a segment is longer than ${MAX_NAME_BYTES} bytes`, subject);
    }
    segments.push(segment);
  }
  const normalised = `/${segments.join("/")}`;
  if (Buffer.byteLength(normalised) > MAX_PATH_BYTES) {
    throw badPath(raw, `the path is longer than ${MAX_PATH_BYTES} bytes`, subject);
  }
  return normalised;
}

/** The parent of a normalised path (`/usr/bin` for `/usr/bin/x`); `undefined` for `/`. */
export function parentPath(normalised: string): string | undefined {
  if (normalised === "/") return undefined;
  const slash = normalised.lastIndexOf("/");
  return slash === 0 ? "/" : normalised.slice(0, slash);
}

function badPath(raw: unknown, what: string, subject: string | undefined): GroveError {
  const where = subject === undefined ? "" : ` in ${subject}`;
  return new GroveError("STORE_BAD_PATH", `bad entry path ${JSON.stringify(raw)}${where}: ${what}`, {
    subject: typeof raw === "string" ? raw : String(raw),
    hint: "entry paths are relative to the tree root and may not contain '..', NUL or empty names",
  });
}
