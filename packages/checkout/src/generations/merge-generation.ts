import { readFileSync } from "node:fs";
import type { Entry, Store } from "@grove/core";
import { type AreaMergeReport, mergeArea } from "../mutable/merge-area.js";
import { buildCheckoutPlan } from "../plan/build-plan.js";
import { assertSafeEntry } from "../plan/entry-checks.js";
import { isUnder } from "../plan/tree-path.js";
import { readCommitsForCheckout } from "../store/read-commits.js";
import type { CheckoutCommit, PlannedEntry } from "../types.js";
import { type GenerationPackage, readGenerationStateFile } from "./generation-state.js";
import { defaultsFile, generationDir, type RootLayout, stateFile } from "./grove-layout.js";

/** The writable areas merged three ways on upgrade (also spelled out in {@link areaDefaults}). */
const MERGED_AREAS = ["/etc", "/var"] as const;
/** Paths in the merged areas that grove writes itself (the rpmdb's compatibility symlink): never merged. */
const GROVE_WRITTEN = ["/var/lib/rpm"] as const;

/** Three-way merge reports of a new generation's writable areas. */
export interface GenerationMerge {
  /** The generation merged from. */
  from: number;
  /** `/etc`. */
  etc: AreaMergeReport;
  /** `/var`. */
  var: AreaMergeReport;
}

/** Pairs commits read for checkout with their packages (labels are the NEVRAs). */
export function toCheckoutCommits(
  commits: ReturnType<typeof readCommitsForCheckout>,
  packages: readonly GenerationPackage[],
): CheckoutCommit[] {
  return commits.map((commit, i) => ({ id: packages[i]!.commitId, commit, label: packages[i]!.nevra }));
}

/** Merges `/etc` and `/var` of generation `previous` into the tree being built, whose package defaults (`areaDefaults`) are `newDefaults`. */
export function mergeFromGeneration(
  store: Store,
  layout: RootLayout,
  previous: number,
  newDefaults: Record<string, Entry>,
  building: string,
): GenerationMerge {
  const oldDefaults =
    readAreaDefaults(defaultsFile(layout, previous)) ?? oldDefaultsFromCommits(store, layout, previous);
  const reports = MERGED_AREAS.map((area) =>
    mergeArea({
      area,
      oldRoot: generationDir(layout, previous),
      newRoot: building,
      oldDefaults: defaultsUnder(oldDefaults, area),
      newDefaults: defaultsUnder(newDefaults, area),
      ignore: (p) => GROVE_WRITTEN.some((g) => isUnder(p, g)),
    }),
  );
  return { from: previous, etc: reports[0]!, var: reports[1]! };
}

/** {@link areaDefaults} of each checkout's entries: the merge and the record both ask for them. */
const defaultsOf = new WeakMap<ReadonlyMap<string, PlannedEntry>, Record<string, Entry>>();

/** The packages' entries in the merged areas, by path (what `G.defaults.json` holds). Do not modify the result. */
export function areaDefaults(entries: ReadonlyMap<string, PlannedEntry>): Record<string, Entry> {
  const known = defaultsOf.get(entries);
  if (known !== undefined) return known;
  const out: Record<string, Entry> = {};
  for (const [p, planned] of entries) {
    if (isUnder(p, "/etc") || isUnder(p, "/var")) out[p] = planned.entry;
  }
  defaultsOf.set(entries, out);
  return out;
}

/** Reads `G.defaults.json`; `undefined` when missing or unreadable (the caller rebuilds it from the commits). */
function readAreaDefaults(file: string): Record<string, Entry> | undefined {
  try {
    const value = JSON.parse(readFileSync(file, "utf8")) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    const out = value as Record<string, Entry>;
    for (const e of Object.values(out)) assertSafeEntry(e, file);
    return out;
  } catch {
    return undefined;
  }
}

/** The old defaults from the previous generation's package commits (when its defaults file is missing). */
function oldDefaultsFromCommits(store: Store, layout: RootLayout, previous: number): Record<string, Entry> {
  const old = readGenerationStateFile(stateFile(layout, previous));
  const oldCommits = toCheckoutCommits(
    readCommitsForCheckout(
      store,
      old.packages.map((p) => p.commitId),
    ),
    old.packages,
  );
  return areaDefaults(buildCheckoutPlan(oldCommits).entries);
}

function defaultsUnder(entries: Record<string, Entry>, area: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const [p, entry] of Object.entries(entries)) if (isUnder(p, area)) out.set(p, entry);
  return out;
}
