import { type Entry, GroveError } from "@grove/core/store";
import type { CheckoutCommit, CheckoutWarning, PlannedEntry } from "../types.js";
import { compareEntries } from "./compare-entries.js";
import { assertSafeEntry, isGhost } from "./entry-checks.js";
import type { Latin1Names } from "./latin1-names.js";
import { locateSymlinks, type ShippedSymlink } from "./locate-symlinks.js";
import { PathResolver } from "./path-resolver.js";

/** The union of several package commits, every entry at the path where it really lands. */
export interface CheckoutPlan {
  /** Resolved path -> the entry placed there (ghosts included: they are not created but matter to `/etc` merges). */
  entries: Map<string, PlannedEntry>;
  /** The resolver built from the tree's symlinks (for callers placing more paths into the tree). */
  resolver: PathResolver;
  /** Decisions taken (shared directories with other modes, directories replaced by symlinks). */
  warnings: CheckoutWarning[];
  /** Entries read from all commits. */
  entriesSeen: number;
  /** Entries identical to one another package already placed (shared files and directories). */
  shared: number;
}

/** How many conflicts one error message lists before "and N more". */
const MAX_LISTED_CONFLICTS = 8;

/**
 * Merges package commits into one tree plan, as rpm installs them into one root:
 * - paths are resolved through the tree's own directory symlinks (so `/lib/x` with `/lib -> usr/lib`
 *   lands at `/usr/lib/x`), inside the root whatever the symlinks say;
 * - two packages may ship the same path only when the entries are identical (rpm's rules, see
 *   {@link compareEntries}); directories may differ (the first package wins, with a warning);
 * - `%ghost` entries never conflict and yield to real ones.
 * Throws `CHECKOUT_FILE_CONFLICT` naming the path and both packages (every conflict, up to a few),
 * `CHECKOUT_BAD_ENTRY` for an unsafe path, `CHECKOUT_SYMLINK_LOOP` for endless symlinks.
 * @param commits - the package commits, in install order (the first wins for directories)
 * @param options - `latin1Names`: which names of a package rpm writes as ISO-8859-1 bytes
 */
export function buildCheckoutPlan(
  commits: readonly CheckoutCommit[],
  options: { latin1Names?: (c: CheckoutCommit) => Latin1Names | undefined } = {},
): CheckoutPlan {
  const symlinks: ShippedSymlink[] = [];
  let entriesSeen = 0;
  for (const c of commits) {
    for (const entry of c.commit.entries) {
      assertSafeEntry(entry, c.label);
      entriesSeen++;
      if (entry.type === "symlink" && !isGhost(entry)) symlinks.push({ path: entry.path, target: entry.linkTo! });
    }
  }
  const resolver = new PathResolver(locateSymlinks(symlinks));
  const entries = new Map<string, PlannedEntry>();
  const warnings: CheckoutWarning[] = [];
  const conflicts: string[] = [];
  let shared = 0;

  commits.forEach((c, owner) => {
    const latin1 = options.latin1Names?.(c);
    const plan = (at: string, entry: Entry): PlannedEntry => {
      const planned: PlannedEntry = { path: at, entry, owner };
      if (latin1 === undefined) return planned;
      if (latin1.paths.has(entry.path) && !/[^\x00-\xff]/.test(at)) planned.latin1Path = true;
      if (entry.linkTo !== undefined && latin1.targets.has(entry.linkTo)) planned.latin1Target = true;
      return planned;
    };
    for (const entry of c.commit.entries) {
      const at = resolver.resolveEntry(entry.path);
      const existing = entries.get(at);
      if (existing === undefined) {
        entries.set(at, plan(at, entry));
        continue;
      }
      const outcome = admit(existing, entry, owner, at, commits, warnings);
      if (outcome === "replace") entries.set(at, plan(at, entry));
      else if (outcome === "shared") shared++;
      else if (outcome !== "keep") conflicts.push(outcome);
    }
  });
  if (conflicts.length > 0) throw fileConflictError(conflicts);
  return { entries, resolver, warnings, entriesSeen, shared };
}

/** Decides between an entry already planned for a path and a new one; returns a conflict description otherwise. */
function admit(
  existing: PlannedEntry,
  entry: Entry,
  owner: number,
  at: string,
  commits: readonly CheckoutCommit[],
  warnings: CheckoutWarning[],
): "keep" | "replace" | "shared" | string {
  if (isGhost(existing.entry)) return isGhost(entry) ? "keep" : "replace";
  if (isGhost(entry)) return "keep";
  const first = commits[existing.owner]!.label;
  const second = commits[owner]!.label;
  const relation = compareEntries(existing.entry, entry);
  switch (relation.kind) {
    case "identical":
      return "shared";
    case "dir-metadata":
      warnings.push({
        kind: "dir-metadata",
        path: at,
        message: `directory ${at} differs between ${first} and ${second} (${relation.what}); ${first}'s is used`,
      });
      return "keep";
    case "dir-vs-symlink": {
      const symlinkFirst = existing.entry.type === "symlink";
      warnings.push({
        kind: "dir-replaced-by-symlink",
        path: at,
        message: `${at} is a ${existing.entry.type} in ${first} and a ${entry.type} in ${second}; the symlink is kept`,
      });
      return symlinkFirst ? "keep" : "replace";
    }
    case "conflict":
      return `${at} conflicts between ${first} and ${second}: ${relation.what}`;
  }
}

/** The error for file conflicts (rpm: "file X conflicts between attempted installs of A and B"). */
export function fileConflictError(conflicts: readonly string[]): GroveError {
  const listed = conflicts.slice(0, MAX_LISTED_CONFLICTS).join("; ");
  const more = conflicts.length > MAX_LISTED_CONFLICTS ? `; and ${conflicts.length - MAX_LISTED_CONFLICTS} more` : "";
  const subject = /^(\S+)/.exec(conflicts[0] ?? "")?.[1];
  return new GroveError("CHECKOUT_FILE_CONFLICT", `file conflict: ${listed}${more}`, {
    ...(subject === undefined ? {} : { subject }),
    hint: "the packages cannot be installed together; remove one of them from the request",
  });
}
