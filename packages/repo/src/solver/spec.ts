/**
 * Package specs on the command line, resolved the way dnf (libdnf's `filterSubject` and
 * `_get_best_selectors`) resolves them: the NEVRA forms in turn (`name-[e:]v-r.a`, `name.arch`, `name`,
 * `name-[e:]v-r`, `name-[e:]v`), the first that matches any package wins; else a provide (`webserver`,
 * `foo >= 1.0`, globs allowed); else a file path. A plain name also brings in the packages that obsolete it.
 * @packageDocumentation
 */
import { parseSenseOperator } from "@grove/rpm/version";
import { globToRegExp, isGlob } from "../config/glob.js";
import type { Pool } from "./pool.js";
import type { SolverPackage } from "./types.js";

const NAME = "([^:(/=<> ]+)";
const EPOCH = "(?:([0-9]+):)?";
const VERSION = "([^-:(/=<> ]+)";
const ARCH = "([^-:.(/=<> ]+)";

/** dnf's NEVRA forms, in the order it tries them (HY_FORMS_MOST_SPEC). */
const FORMS: ReadonlyArray<{ re: RegExp; parts: ReadonlyArray<"name" | "epoch" | "version" | "release" | "arch"> }> = [
  {
    re: new RegExp(`^${NAME}-${EPOCH}${VERSION}-${VERSION}\\.${ARCH}$`),
    parts: ["name", "epoch", "version", "release", "arch"],
  },
  { re: new RegExp(`^${NAME}\\.${ARCH}$`), parts: ["name", "arch"] },
  { re: new RegExp(`^${NAME}$`), parts: ["name"] },
  { re: new RegExp(`^${NAME}-${EPOCH}${VERSION}-${VERSION}$`), parts: ["name", "epoch", "version", "release"] },
  { re: new RegExp(`^${NAME}-${EPOCH}${VERSION}$`), parts: ["name", "epoch", "version"] },
];

/** What a spec resolved to. */
export interface SpecMatch {
  /** The spec. */
  readonly spec: string;
  /**
   * Groups of candidate solvables, each one request ("install one of these"): one group, or one per package
   * name for a glob.
   */
  readonly selectors: readonly (readonly number[])[];
}

type Matcher = (value: string) => boolean;

function matcher(pattern: string): Matcher {
  if (!isGlob(pattern)) return (value) => value === pattern;
  const re = globToRegExp(pattern);
  return (value) => re.test(value);
}

/**
 * Resolve one spec against the pool (installed and available packages).
 *
 * @param pool - the pool
 * @param spec - the spec
 * @param withObsoletes - add the packages obsoleting a plain name's matches (dnf does for `install`, through
 *   `_get_best_selectors`, but not for `upgrade`, whose selection adds obsoleters of its own)
 * @returns the match, or undefined when nothing matches
 */
export function resolveSpec<P extends SolverPackage>(
  pool: Pool<P>,
  spec: string,
  withObsoletes = true,
): SpecMatch | undefined {
  const trimmed = spec.trim();
  if (trimmed === "") return undefined;
  for (const form of FORMS) {
    const m = form.re.exec(trimmed);
    if (m === null) continue;
    const fields: Partial<Record<"name" | "epoch" | "version" | "release" | "arch", string>> = {};
    form.parts.forEach((part, i) => {
      const value = m[i + 1];
      if (value !== undefined) fields[part] = value;
    });
    const ids = filterNevra(pool, fields);
    if (ids.length === 0) continue;
    const justName = form.parts.length === 1;
    return { spec, selectors: selectorsFor(pool, trimmed, ids, justName && withObsoletes) };
  }
  const provided = provideMatches(pool, trimmed);
  if (provided.length > 0) {
    return { spec, selectors: isGlob(trimmed) ? perName(pool, provided, false) : [provided] };
  }
  return undefined;
}

/** Packages matching the NEVRA fields (globs allowed in name, version, release and arch). */
function filterNevra<P extends SolverPackage>(
  pool: Pool<P>,
  fields: Partial<Record<"name" | "epoch" | "version" | "release" | "arch", string>>,
): number[] {
  const name = fields.name as string;
  const candidates: readonly number[] = isGlob(name) ? globNames(pool, name) : pool.named(name);
  const version = fields.version === undefined || fields.version === "*" ? undefined : matcher(fields.version);
  const release = fields.release === undefined || fields.release === "*" ? undefined : matcher(fields.release);
  const arch = fields.arch === undefined || fields.arch === "*" ? undefined : matcher(fields.arch);
  const epoch = fields.epoch === undefined ? undefined : Number(fields.epoch);
  return candidates.filter((id) => {
    const pkg = pool.pkg(id);
    if (epoch !== undefined && pkg.epoch !== epoch) return false;
    if (version !== undefined && !version(pkg.version)) return false;
    if (release !== undefined && !release(pkg.release)) return false;
    if (arch !== undefined && !arch(pkg.arch)) return false;
    return true;
  });
}

function globNames<P extends SolverPackage>(pool: Pool<P>, pattern: string): number[] {
  const match = matcher(pattern);
  const out: number[] = [];
  for (const name of pool.allNames()) if (match(name)) out.push(...pool.named(name));
  return out.sort((a, b) => a - b);
}

/** Packages providing the spec read as a dependency (`name`, `name op evr`; a glob on the name). */
function provideMatches<P extends SolverPackage>(pool: Pool<P>, spec: string): number[] {
  const tokens = spec.split(/\s+/);
  let name = spec;
  let flags = 0;
  let evr = "";
  if (tokens.length === 3 && parseSenseOperator(tokens[1] as string) !== 0) {
    name = tokens[0] as string;
    flags = parseSenseOperator(tokens[1] as string);
    evr = tokens[2] as string;
  }
  if (!isGlob(name)) return [...pool.whatProvides(name, flags, evr)];
  const match = matcher(name);
  const found = new Set<number>();
  for (const provided of pool.provideNames()) {
    if (match(provided)) for (const id of pool.whatProvides(provided, flags, evr)) found.add(id);
  }
  for (const pkgName of pool.allNames()) {
    if (match(pkgName)) for (const id of pool.whatProvides(pkgName, flags, evr)) found.add(id);
  }
  return [...found].sort((a, b) => a - b);
}

function selectorsFor<P extends SolverPackage>(
  pool: Pool<P>,
  spec: string,
  ids: number[],
  justName: boolean,
): number[][] {
  if (isGlob(spec) && !spec.startsWith("/") && !spec.startsWith("*/")) return perName(pool, ids, justName);
  if (!justName) return [ids];
  return [withObsoleters(pool, ids)];
}

function perName<P extends SolverPackage>(pool: Pool<P>, ids: number[], withObsoletes: boolean): number[][] {
  const groups = new Map<string, number[]>();
  for (const id of ids) {
    const name = pool.nameOf(id);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [id]);
    else group.push(id);
  }
  return [...groups.values()].map((group) => (withObsoletes ? withObsoleters(pool, group) : group));
}

/**
 * dnf adds the packages that obsolete any of the matched ones (libdnf 0.69's `_get_best_selectors`), so
 * `install foo` can install foo's replacement. Installed obsoleters count too: `install foo` when an installed
 * package already obsoletes foo is satisfied by that package ("already installed").
 */
function withObsoleters<P extends SolverPackage>(pool: Pool<P>, ids: number[]): number[] {
  const out = new Set(ids);
  const names = new Set(ids.map((id) => pool.nameOf(id)));
  for (const name of names) {
    const named = ids.filter((t) => pool.nameOf(t) === name);
    for (const obsoleter of [...installedObsoleting(pool, name), ...pool.obsoletingName(name)]) {
      if (!out.has(obsoleter) && named.some((t) => pool.obsoletersOf(t, [obsoleter]).length > 0)) out.add(obsoleter);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** Installed packages with an Obsoletes entry on package name `name`. */
function installedObsoleting<P extends SolverPackage>(pool: Pool<P>, name: string): number[] {
  const out: number[] = [];
  for (let id = 1; id < pool.firstAvailable; id++) {
    if (pool.deps(id, "obsoletes").some((dep) => dep.name === name)) out.push(id);
  }
  return out;
}
