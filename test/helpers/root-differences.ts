/**
 * The documented differences between a root `dnf --installroot` builds and the root `grove assemble` builds from
 * the same repository and request, and the comparison that allows exactly those.
 *
 * Every difference is listed with its reason: a path (or, for dnf's own state directories, everything below one)
 * and which side has what. The only rules that are not about one path are the two the issue names: grove's
 * `/etc` layout (package files under `/usr/etc`, the writable `/etc` a copy of it) and setuid/setgid bits (kept as
 * metadata in the rpmdb, not applied on disk by an unprivileged build).
 * @packageDocumentation
 */
import { entryIdentity, type TreeEntry } from "./root-tree.js";

/** How a documented path differs. */
export type DifferenceKind =
  /** Only the dnf root has it. */
  | "reference-only"
  /** Only the grove root has it. */
  | "grove-only"
  /** Both have it, with different content (type and permission bits still equal). */
  | "content";

/** One documented difference. */
export interface DocumentedDifference {
  /** The path inside the root. */
  path: string;
  /** Also every path below `path` (dnf's own state directories only). */
  below?: boolean;
  /** How it differs. */
  kind: DifferenceKind;
  /** Why. */
  reason: string;
}

const DNF_STATE =
  "dnf's own state (history database, logs, cache, module config); grove keeps its state outside the root";
const SCRIPTLET = "written by a package scriptlet, which dnf runs as root; grove runs no scriptlets";

/**
 * The differences the corpus sets the test builds show (bash; apache2 adds its `%pre`'s `/dev/null`). A
 * difference listed here that a set does not show is fine; one a set shows that is not listed fails the test.
 * apache2's `%pre` adds no user here: base-passwd's `/etc/passwd` already has `www-data`, so `getent` finds it.
 */
export const DOCUMENTED_DIFFERENCES: readonly DocumentedDifference[] = [
  { path: "/etc/dnf", below: true, kind: "reference-only", reason: DNF_STATE },
  { path: "/var/lib/dnf", below: true, kind: "reference-only", reason: DNF_STATE },
  { path: "/var/cache/dnf", below: true, kind: "reference-only", reason: DNF_STATE },
  { path: "/var/log/dnf.log", kind: "reference-only", reason: DNF_STATE },
  { path: "/var/log/dnf.librepo.log", kind: "reference-only", reason: DNF_STATE },
  { path: "/var/log/dnf.rpm.log", kind: "reference-only", reason: DNF_STATE },
  { path: "/var/log/hawkey.log", kind: "reference-only", reason: DNF_STATE },
  {
    path: "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    kind: "content",
    reason: "each tool writes its own database (page layout, install times, transaction ids); rpm -qa and -Va check it",
  },
  { path: "/usr/lib/sysimage/rpm/.rpm.lock", kind: "reference-only", reason: "rpm's transaction lock file" },
  {
    path: "/usr/lib/sysimage/rpm/rpmdb.sqlite-shm",
    kind: "reference-only",
    reason: "SQLite WAL index left by rpm's open database; grove's rpmdb is one checkpointed file",
  },
  {
    path: "/usr/lib/sysimage/rpm/rpmdb.sqlite-wal",
    kind: "reference-only",
    reason: "SQLite write-ahead log left by rpm; grove's rpmdb is one checkpointed file",
  },
  {
    path: "/var/lib/rpm",
    kind: "grove-only",
    reason: "grove adds the compatibility link to ../../usr/lib/sysimage/rpm that Fedora's rpm package ships",
  },
  { path: "/etc/ld.so.cache", kind: "reference-only", reason: `${SCRIPTLET} (libc6 %post -p /sbin/ldconfig)` },
  {
    path: "/var/cache/ldconfig/aux-cache",
    kind: "reference-only",
    reason: `${SCRIPTLET} (libc6 %post -p /sbin/ldconfig)`,
  },
  { path: "/etc/shells", kind: "reference-only", reason: `${SCRIPTLET} (bash %posttrans registers /bin/bash)` },
  {
    path: "/dev/null",
    kind: "reference-only",
    reason:
      `${SCRIPTLET} (apache2 %pre: getent passwd www-data >/dev/null, in a chroot where dnf mounted no /dev, ` +
      "so the shell creates a regular file holding getent's output)",
  },
];

/** Reason given for the `/usr/etc` mirror. */
export const USR_ETC_REASON =
  "grove places package files under /etc in /usr/etc (links to the store) and gives the root a writable /etc of copies";
/** Reason given for setuid/setgid bits. */
export const SPECIAL_BITS_REASON =
  "setuid/setgid are kept as metadata in the rpmdb, not applied on disk by an unprivileged build";

/** One difference found, documented or not. */
export interface FoundDifference {
  /** The path inside the root. */
  path: string;
  /** What dnf's root has (`entryIdentity`), or `absent`. */
  reference: string;
  /** What grove's root has, or `absent`. */
  grove: string;
  /** The documented reason, when there is one. */
  reason?: string;
}

/** The outcome of comparing two roots. */
export interface RootComparison {
  /** Paths with the same type, permission bits, link target and content (special bits included). */
  identical: number;
  /** Paths that differ as documented, each with its reason. */
  documented: Required<FoundDifference>[];
  /** Paths that differ in a way nothing documents. */
  undocumented: FoundDifference[];
}

/**
 * Compares the dnf root with the grove root. For every path of either: equal type, permission bits, link target
 * and sha256 is identical; `/usr/etc/X` in grove must equal the dnf root's `/etc/X` and grove's own `/etc/X` (a
 * copy: a different inode for regular files); special bits may only differ by setuid/setgid that grove left off;
 * anything else must be in {@link DOCUMENTED_DIFFERENCES} with the right kind.
 * @param reference - snapshot of the dnf root
 * @param grove - snapshot of the grove root
 */
export function compareRoots(reference: Map<string, TreeEntry>, grove: Map<string, TreeEntry>): RootComparison {
  const result: RootComparison = { identical: 0, documented: [], undocumented: [] };
  const paths = [...new Set([...reference.keys(), ...grove.keys()])].sort();
  for (const p of paths) {
    const ref = reference.get(p);
    const mine = grove.get(p);
    const found: FoundDifference = { path: p, reference: describe(ref), grove: describe(mine) };
    if (p === "/usr/etc" || p.startsWith("/usr/etc/")) {
      const mirror = checkUsrEtc(p, reference, grove);
      if (mirror.ok) result.documented.push({ ...found, reason: mirror.reason });
      else result.undocumented.push({ ...found, grove: `${found.grove} (${mirror.problem})` });
      continue;
    }
    if (ref !== undefined && mine !== undefined && entryIdentity(ref) === entryIdentity(mine)) {
      if (ref.special === mine.special) result.identical++;
      else if ((ref.special & ~0o6000) === mine.special)
        result.documented.push({ ...found, reason: SPECIAL_BITS_REASON });
      else result.undocumented.push(found);
      continue;
    }
    const rule = documentedRule(p, differenceKind(ref, mine));
    if (rule === undefined) result.undocumented.push(found);
    else result.documented.push({ ...found, reason: rule.reason });
  }
  return result;
}

/** How `ref` and `mine` differ, when that is one of the kinds a rule may document. */
function differenceKind(ref: TreeEntry | undefined, mine: TreeEntry | undefined): DifferenceKind | undefined {
  if (mine === undefined) return "reference-only";
  if (ref === undefined) return "grove-only";
  return ref.type === mine.type && ref.perm === mine.perm ? "content" : undefined;
}

function documentedRule(p: string, kind: DifferenceKind | undefined): DocumentedDifference | undefined {
  return DOCUMENTED_DIFFERENCES.find(
    (d) => d.kind === kind && (d.path === p || (d.below === true && p.startsWith(`${d.path}/`))),
  );
}

type MirrorCheck = { ok: true; reason: string } | { ok: false; problem: string };

/**
 * Whether grove's `/usr/etc/...` path is a faithful mirror: grove's `/etc` copy is the same (and a copy, not a
 * link), and so is the dnf root's `/etc` path unless a scriptlet changed that one (a documented content rule).
 */
function checkUsrEtc(p: string, reference: Map<string, TreeEntry>, grove: Map<string, TreeEntry>): MirrorCheck {
  const mine = grove.get(p);
  if (mine === undefined) return { ok: false, problem: "grove has no such path" };
  if (p === "/usr/etc")
    return mine.type === "dir" ? { ok: true, reason: USR_ETC_REASON } : { ok: false, problem: "not a directory" };
  const etcPath = p.slice("/usr".length);
  const etcCopy = grove.get(etcPath);
  if (etcCopy === undefined) return { ok: false, problem: `grove has no ${etcPath}` };
  if (entryIdentity(etcCopy) !== entryIdentity(mine))
    return { ok: false, problem: `grove's ${etcPath} is ${entryIdentity(etcCopy)}` };
  if (mine.type === "file" && etcCopy.ino === mine.ino)
    return { ok: false, problem: `grove's ${etcPath} is a hard link, not a copy` };
  const ref = reference.get(etcPath);
  if (ref !== undefined && entryIdentity(ref) === entryIdentity(mine)) return { ok: true, reason: USR_ETC_REASON };
  const rule = documentedRule(etcPath, differenceKind(ref, mine));
  if (rule !== undefined) return { ok: true, reason: `${USR_ETC_REASON}; dnf's ${etcPath} differs: ${rule.reason}` };
  return { ok: false, problem: `dnf's ${etcPath} is ${ref === undefined ? "absent" : entryIdentity(ref)}` };
}

function describe(entry: TreeEntry | undefined): string {
  if (entry === undefined) return "absent";
  const special = entry.special === 0 ? "" : ` special ${entry.special.toString(8)}`;
  return `${entryIdentity(entry)}${special}`;
}
