import { RepoErrorCode, repoError } from "../errors.js";
import { withTrailingSlash } from "../urls.js";
import type { RepoConfig } from "./repo-config.js";
import { type RepoVariables, substituteVariables, unresolvedVariables } from "./variables.js";

/** The URLs a repository definition resolves to. */
export interface ResolvedRepoUrls {
  /** Base URLs (each ending in `/`). */
  baseUrls: string[];
  /** Mirrorlist URL, if any. */
  mirrorlist?: string;
  /** Metalink URL, if any. */
  metalink?: string;
}

/**
 * Substitute `$variables` in a repository's URLs.
 *
 * @param config - the repository definition
 * @param vars - variable values
 * @throws GroveError `REPO_UNRESOLVED_VARIABLE` when a URL uses a variable without a value,
 *   `REPO_NO_URL` when there is no baseurl, mirrorlist or metalink
 */
export function resolveRepoUrls(config: RepoConfig, vars: RepoVariables): ResolvedRepoUrls {
  const resolve = (text: string): string => {
    const out = substituteVariables(text, vars);
    const missing = unresolvedVariables(out);
    if (missing.length > 0) {
      throw repoError(
        RepoErrorCode.unresolvedVariable,
        config.id,
        text,
        `no value for ${missing.map((m) => `$${m}`).join(", ")}`,
        { hint: missing.includes("releasever") ? 'pass releasever (e.g. vars: { releasever: "9" })' : undefined },
      );
    }
    return out;
  };
  const resolved: ResolvedRepoUrls = { baseUrls: config.baseurl.map((url) => withTrailingSlash(resolve(url))) };
  if (config.mirrorlist !== undefined) resolved.mirrorlist = resolve(config.mirrorlist);
  if (config.metalink !== undefined) resolved.metalink = resolve(config.metalink);
  if (resolved.baseUrls.length === 0 && resolved.mirrorlist === undefined && resolved.metalink === undefined) {
    throw repoError(RepoErrorCode.noUrl, config.id, "", "no baseurl, mirrorlist or metalink is set");
  }
  return resolved;
}
