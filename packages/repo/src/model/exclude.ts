import { globToRegExp, isGlob } from "../config/glob.js";
import type { PackageTable } from "./package-table.js";

/**
 * Which packages of `table` dnf would hide given `exclude` and `includepkgs` patterns. A pattern
 * (a glob) matches a package when it matches its name, `name.arch`, `name-version`,
 * `name-version-release`, `name-version-release.arch` or `name-epoch:version-release.arch`.
 * With `includepkgs`, packages matching none of them are hidden too.
 *
 * @param table - the repository's packages
 * @param exclude - patterns of packages to hide
 * @param includepkgs - when non-empty, only packages matching one of these stay visible
 * @returns a mask (1 = hidden) or `undefined` when nothing is hidden
 */
export function excludedMask(
  table: PackageTable,
  exclude: readonly string[],
  includepkgs: readonly string[],
): Uint8Array | undefined {
  if (exclude.length === 0 && includepkgs.length === 0) return undefined;
  const excludeMatch = matcher(exclude);
  const includeMatch = matcher(includepkgs);
  const mask = new Uint8Array(table.count);
  let any = false;
  for (let i = 0; i < table.count; i++) {
    const hidden =
      (exclude.length > 0 && excludeMatch(table, i)) || (includepkgs.length > 0 && !includeMatch(table, i));
    if (hidden) {
      mask[i] = 1;
      any = true;
    }
  }
  return any ? mask : undefined;
}

type Matcher = (table: PackageTable, i: number) => boolean;

function matcher(patterns: readonly string[]): Matcher {
  const names = new Set<string>();
  const regexps: RegExp[] = [];
  for (const pattern of patterns) {
    if (!isGlob(pattern) && !/[-.:]/.test(pattern)) names.add(pattern);
    else regexps.push(isGlob(pattern) ? globToRegExp(pattern) : globToRegExp(pattern.replace(/[[\]]/g, "")));
  }
  return (table, i) => {
    const name = table.name(i);
    if (names.has(name)) return true;
    if (regexps.length === 0) return false;
    const forms = packageForms(table, i, name);
    return regexps.some((re) => forms.some((form) => re.test(form)));
  };
}

function packageForms(table: PackageTable, i: number, name: string): string[] {
  const arch = table.arch(i);
  const version = table.version(i);
  const release = table.release(i);
  const epoch = table.epoch(i);
  return [
    name,
    `${name}.${arch}`,
    `${name}-${version}`,
    `${name}-${version}-${release}`,
    `${name}-${version}-${release}.${arch}`,
    `${name}-${epoch}:${version}-${release}.${arch}`,
  ];
}
