import type { GenerationPackage } from "../generations/generation-state.js";

/** A package whose version changed between two generations. */
export interface PackageChange {
  /** Package name. */
  name: string;
  /** NEVRA before. */
  from: string;
  /** NEVRA after. */
  to: string;
}

/** What {@link assemble} or {@link upgrade} did to one root (the `--json` output of the CLI). */
export interface RootResult {
  /** Root name. */
  name: string;
  /** The current generation now (the new one, or the unchanged one when up to date). */
  generation: number;
  /** The generation that was current before, if any. */
  previous: number | undefined;
  /** That generation's tree, `<dir>/roots/NAME.G`. */
  path: string;
  /** The root's symlink, `<dir>/roots/NAME`. */
  link: string;
  /** False when nothing was changed (upgrade found the root up to date). */
  changed: boolean;
  /** Every package in the root, NEVRAs in install order. */
  packages: string[];
  /** NEVRAs this run downloaded (the store lacked them), in install order. */
  downloaded: string[];
  /** Packages whose version changed from the previous generation. */
  upgraded: PackageChange[];
  /** Packages (NEVRAs) whose name was not in the previous generation (empty for a new root). */
  added: string[];
  /** Packages (NEVRAs) of the previous generation whose name is gone. */
  removed: string[];
  /** Milliseconds from the start of the call until this root was done. */
  elapsedMs: number;
}

/**
 * The package name of a NEVRA (`name-[epoch:]version-release.arch`): everything before the
 * second-last `-` (versions and releases contain no `-`).
 * @param nevra - the NEVRA
 */
export function nameOfNevra(nevra: string): string {
  const last = nevra.lastIndexOf("-");
  const cut = last <= 0 ? -1 : nevra.lastIndexOf("-", last - 1);
  return cut <= 0 ? nevra : nevra.slice(0, cut);
}

/**
 * How a package set changed: version changes by name, new names, names gone.
 * @param before - the previous generation's packages (none for a new root)
 * @param after - the new packages
 */
export function diffPackages(
  before: readonly GenerationPackage[] | undefined,
  after: readonly GenerationPackage[],
): { upgraded: PackageChange[]; added: string[]; removed: string[] } {
  const old = new Map<string, string>();
  for (const p of before ?? []) old.set(nameOfNevra(p.nevra), p.nevra);
  const upgraded: PackageChange[] = [];
  const added: string[] = [];
  const seen = new Set<string>();
  for (const p of after) {
    const name = nameOfNevra(p.nevra);
    seen.add(name);
    const from = old.get(name);
    if (from === undefined) {
      if (before !== undefined) added.push(p.nevra);
    } else if (from !== p.nevra) upgraded.push({ name, from, to: p.nevra });
  }
  const removed = [...old].filter(([name]) => !seen.has(name)).map(([, nevra]) => nevra);
  return { upgraded, added, removed };
}
