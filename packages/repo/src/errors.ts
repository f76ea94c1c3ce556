import { GroveError } from "@grove/core/store";

/**
 * Every error code `@grove/repo` throws (all carried by a {@link GroveError}).
 * Messages name the repository id and the URL or file involved.
 */
export const RepoErrorCode = {
  /** A `.repo` file is not valid (bad section, bad value, bad id). */
  configInvalid: "REPO_CONFIG_INVALID",
  /** `addRepo` was given an id that already exists. */
  exists: "REPO_EXISTS",
  /** `removeRepo` (or a lookup) named an id that does not exist. */
  unknownId: "REPO_UNKNOWN_ID",
  /** A URL still holds a `$variable` nobody gave a value for. */
  unresolvedVariable: "REPO_UNRESOLVED_VARIABLE",
  /** The repository has no baseurl, mirrorlist or metalink, or none of them is usable. */
  noUrl: "REPO_NO_URL",
  /** The URL scheme is not `file:`, `http:` or `https:`. */
  unsupportedUrl: "REPO_UNSUPPORTED_URL",
  /** The file does not exist (HTTP 404/410, or ENOENT for `file://`). */
  notFound: "REPO_NOT_FOUND",
  /** The server answered with another non-success HTTP status (e.g. 403, 500). */
  httpStatus: "REPO_HTTP_STATUS",
  /** The server did not answer (or stopped sending) within the timeout. */
  timeout: "REPO_TIMEOUT",
  /** The connection failed or broke (reset, refused, body cut short). */
  network: "REPO_NETWORK",
  /** A local file could not be read (other than not existing). */
  io: "REPO_IO",
  /** A downloaded file's checksum differs from the one the metadata promises. */
  checksumMismatch: "REPO_CHECKSUM_MISMATCH",
  /** A downloaded file's size differs from the one the metadata promises, or exceeds a limit. */
  sizeMismatch: "REPO_SIZE_MISMATCH",
  /** A metadata file is not well-formed XML. */
  badXml: "REPO_BAD_XML",
  /** A metadata file is well-formed but lacks something required (no primary, package without checksum, ...). */
  badMetadata: "REPO_BAD_METADATA",
  /** A metadata file uses a compression grove cannot decode (e.g. zchunk), or its data is corrupt. */
  badCompression: "REPO_BAD_COMPRESSION",
  /** A checksum type grove does not know. */
  unsupportedChecksum: "REPO_UNSUPPORTED_CHECKSUM",
  /** A local cache file could not be written. */
  cacheWrite: "REPO_CACHE_WRITE",
  /** A package handle names a repository or index that is not loaded. */
  unknownPackage: "REPO_UNKNOWN_PACKAGE",
} as const;

/** One of the {@link RepoErrorCode} values. */
export type RepoErrorCodeValue = (typeof RepoErrorCode)[keyof typeof RepoErrorCode];

/**
 * Build a {@link GroveError} about repository `repoId`, naming `subject` (a URL or path).
 *
 * @param code - one of {@link RepoErrorCode}
 * @param repoId - the repository id (or `""` when not known)
 * @param subject - the URL or file the error is about
 * @param what - what is wrong, e.g. `"HTTP 404 Not Found"`
 * @param options - optional hint and cause
 */
export function repoError(
  code: RepoErrorCodeValue,
  repoId: string,
  subject: string,
  what: string,
  options: { hint?: string; cause?: unknown } = {},
): GroveError {
  const prefix = repoId === "" ? "" : `repo "${repoId}": `;
  const where = subject === "" ? "" : `${subject}: `;
  return new GroveError(code, `${prefix}${where}${what}`, { subject, ...options });
}
