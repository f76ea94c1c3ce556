import type { Dependency, DependencyKind } from "../types.js";
import { RpmSense } from "../version/sense.js";
import type { Header } from "./header.js";
import { numbersFor, stringsFor } from "./tag-arrays.js";
import { Tag } from "./tags.js";

/** The tags one dependency kind is stored in. */
export interface DependencyTags {
  /** Tag of the names (STRING_ARRAY). */
  name: number;
  /** Tag of the versions (STRING_ARRAY, optional in the header). */
  version: number;
  /** Tag of the RPMSENSE flags (INT32 array, optional in the header). */
  flags: number;
}

const DEPENDENCY_TAGS: Record<DependencyKind, DependencyTags> = {
  requires: { name: Tag.REQUIRENAME, version: Tag.REQUIREVERSION, flags: Tag.REQUIREFLAGS },
  provides: { name: Tag.PROVIDENAME, version: Tag.PROVIDEVERSION, flags: Tag.PROVIDEFLAGS },
  conflicts: { name: Tag.CONFLICTNAME, version: Tag.CONFLICTVERSION, flags: Tag.CONFLICTFLAGS },
  obsoletes: { name: Tag.OBSOLETENAME, version: Tag.OBSOLETEVERSION, flags: Tag.OBSOLETEFLAGS },
  recommends: { name: Tag.RECOMMENDNAME, version: Tag.RECOMMENDVERSION, flags: Tag.RECOMMENDFLAGS },
  suggests: { name: Tag.SUGGESTNAME, version: Tag.SUGGESTVERSION, flags: Tag.SUGGESTFLAGS },
  supplements: { name: Tag.SUPPLEMENTNAME, version: Tag.SUPPLEMENTVERSION, flags: Tag.SUPPLEMENTFLAGS },
  enhances: { name: Tag.ENHANCENAME, version: Tag.ENHANCEVERSION, flags: Tag.ENHANCEFLAGS },
};

const OLD_SUGGESTS: DependencyTags = {
  name: Tag.OLDSUGGESTSNAME,
  version: Tag.OLDSUGGESTSVERSION,
  flags: Tag.OLDSUGGESTSFLAGS,
};
const OLD_ENHANCES: DependencyTags = {
  name: Tag.OLDENHANCESNAME,
  version: Tag.OLDENHANCESVERSION,
  flags: Tag.OLDENHANCESFLAGS,
};

/**
 * Where rpm finds a weak dependency kind in packages built before rpm 4.12 had the dedicated tags:
 * the old SUGGESTS/ENHANCES tags (1156-1161), split by the RPMSENSE_STRONG bit (rpm's `tagexts.cc`).
 */
const OLD_STYLE: Partial<Record<DependencyKind, { tags: DependencyTags; strong: boolean }>> = {
  recommends: { tags: OLD_SUGGESTS, strong: true },
  suggests: { tags: OLD_SUGGESTS, strong: false },
  supplements: { tags: OLD_ENHANCES, strong: true },
  enhances: { tags: OLD_ENHANCES, strong: false },
};

/** Reads one name/version/flags triplet of tags (missing versions read as `""`, missing flags as 0). */
export function readDependencyTags(header: Header, tags: DependencyTags): Dependency[] {
  const names = header.getStrings(tags.name);
  if (names === undefined) return [];
  const versions = stringsFor(header, tags.version, names.length, "dependency names");
  const flags = numbersFor(header, tags.flags, names.length, "dependency names");
  return names.map((name, i) => ({ name, flags: flags?.[i] ?? 0, evr: versions?.[i] ?? "" }));
}

/**
 * All eight dependency kinds of a main header. Weak dependencies come from the dedicated tags; only when those
 * are absent, from the old-style SUGGESTS/ENHANCES tags (like rpm's `--recommends` and friends).
 */
export function readDependencies(header: Header): Record<DependencyKind, Dependency[]> {
  const out = {} as Record<DependencyKind, Dependency[]>;
  for (const [kind, tags] of Object.entries(DEPENDENCY_TAGS) as [DependencyKind, DependencyTags][]) {
    let deps = readDependencyTags(header, tags);
    const old = OLD_STYLE[kind];
    if (deps.length === 0 && old !== undefined) {
      deps = readDependencyTags(header, old.tags).filter((d) => ((d.flags & RpmSense.STRONG) !== 0) === old.strong);
    }
    out[kind] = deps;
  }
  return out;
}
