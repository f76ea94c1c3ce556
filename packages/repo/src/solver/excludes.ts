/**
 * dnf-style `exclude` patterns for the solver's pool.
 * @packageDocumentation
 */
import { globToRegExp, isGlob } from "../config/glob.js";
import type { SolverPackage } from "./types.js";

/** Tests a package against a list of exclude patterns. */
export type ExcludeMatcher = (pkg: SolverPackage) => boolean;

/**
 * Compile exclude patterns. A pattern (a glob) matches a package when it matches its name, `name.arch`,
 * `name-version`, `name-version-release`, `name-version-release.arch` or `name-epoch:version-release.arch`.
 *
 * @param patterns - the patterns (empty: nothing is excluded)
 */
export function excludeMatcher(patterns: readonly string[]): ExcludeMatcher {
  const names = new Set<string>();
  const regexps: RegExp[] = [];
  for (const pattern of patterns) {
    if (pattern === "") continue;
    if (!isGlob(pattern) && !/[-.:]/.test(pattern)) names.add(pattern);
    else regexps.push(globToRegExp(pattern));
  }
  if (names.size === 0 && regexps.length === 0) return () => false;
  return (pkg) => {
    if (names.has(pkg.name)) return true;
    if (regexps.length === 0) return false;
    const vr = `${pkg.name}-${pkg.version}-${pkg.release}`;
    const forms = [
      pkg.name,
      `${pkg.name}.${pkg.arch}`,
      `${pkg.name}-${pkg.version}`,
      vr,
      `${vr}.${pkg.arch}`,
      `${pkg.name}-${pkg.epoch}:${pkg.version}-${pkg.release}.${pkg.arch}`,
    ];
    return regexps.some((re) => forms.some((form) => re.test(form)));
  };
}
