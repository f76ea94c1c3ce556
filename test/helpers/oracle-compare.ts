/**
 * Field-by-field comparison of what grove read from a package header with what `rpm -qp` reported.
 * Produces a list of discrepancies (field, expected = rpm, actual = grove) instead of failing on the first one, so a
 * run over all fixtures shows every disagreement at once.
 * @packageDocumentation
 */
import type { Dependency, DigestAlgorithm, FileTrigger, RpmFile, RpmPackage, Scriptlet, Trigger } from "@grove/rpm";
import {
  ORACLE_DEPENDENCY_KINDS,
  ORACLE_SCRIPTLET_TAGS,
  type OracleDependencyKind,
  type OracleFile,
  type OraclePackage,
  type OracleTrigger,
} from "./rpm-oracle.js";

/** One disagreement between rpm (expected) and grove (actual). */
export interface Discrepancy {
  /** Fixture path relative to `real-rpms/`. */
  fixture: string;
  /** What differs, e.g. `files[/usr/bin/x].digest` or `requires[3]`. */
  field: string;
  /** What rpm says. */
  expected: unknown;
  /** What grove says. */
  actual: unknown;
}

/** rpm's FILEDIGESTALGO numbers (PGP hash algorithm ids) by grove's algorithm names. */
export const DIGEST_ALGORITHM_IDS: Readonly<Record<DigestAlgorithm, number>> = {
  md5: 1,
  sha1: 2,
  sha256: 8,
  sha384: 9,
  sha512: 10,
  sha224: 11,
};

/** Package-level fields grove reports, in the oracle's vocabulary. */
function packageFields(pkg: RpmPackage): Record<string, unknown> {
  return {
    nevra: pkg.nevra,
    name: pkg.name,
    epoch: pkg.epoch,
    version: pkg.version,
    release: pkg.release,
    arch: pkg.arch,
    isSource: pkg.isSource,
    fileDigestAlgo: DIGEST_ALGORITHM_IDS[pkg.fileDigestAlgorithm],
    payloadCompressor: pkg.payloadCompressor,
  };
}

/** The oracle's package-level fields (rpm assumes MD5 when FILEDIGESTALGO is absent). */
function oracleFields(o: OraclePackage): Record<string, unknown> {
  return {
    nevra: o.nevra,
    name: o.name,
    epoch: o.epoch,
    version: o.version,
    release: o.release,
    arch: o.arch,
    isSource: o.isSource,
    fileDigestAlgo: o.fileDigestAlgo ?? DIGEST_ALGORITHM_IDS.md5,
    payloadCompressor: o.payloadCompressor,
  };
}

/** A grove file in the oracle's shape (verify flags as rpm prints them: unsigned 32-bit). */
function fileView(f: RpmFile): OracleFile {
  return {
    path: f.path,
    mode: f.mode,
    size: f.size,
    user: f.user,
    group: f.group,
    digest: f.digest,
    linkTo: f.linkTo,
    flags: f.flags,
    inode: f.inode,
    device: f.device,
    rdev: f.rdev,
    mtime: f.mtime,
    lang: f.lang,
    capability: f.capability,
    verifyFlags: f.verifyFlags >>> 0,
  };
}

/** A grove trigger in the oracle's shape. */
function triggerView(t: Trigger | FileTrigger): OracleTrigger {
  const view: OracleTrigger = {
    kind: t.kind,
    interpreter: t.interpreter,
    body: t.body,
    flags: t.flags,
    conditions: t.conditions.map((c) => ({ name: c.name, flags: c.flags, evr: c.evr })),
  };
  if ("transaction" in t) {
    view.transaction = t.transaction;
    view.priority = t.priority;
  }
  return view;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Compare two lists element by element; a length difference is reported once, then the common prefix. */
function compareLists<T>(
  out: Discrepancy[],
  fixture: string,
  field: string,
  expected: readonly T[],
  actual: readonly T[],
  label: (item: T, index: number) => string,
): void {
  if (expected.length !== actual.length) {
    const e = new Set(expected.map((x, i) => label(x, i)));
    const a = new Set(actual.map((x, i) => label(x, i)));
    out.push({
      fixture,
      field: `${field}.length`,
      expected: `${expected.length} (only rpm: ${[...e].filter((x) => !a.has(x)).join(", ") || "-"})`,
      actual: `${actual.length} (only grove: ${[...a].filter((x) => !e.has(x)).join(", ") || "-"})`,
    });
  }
  const n = Math.min(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i] as T;
    const a = actual[i] as T;
    if (same(e, a)) continue;
    if (typeof e === "object" && e !== null && typeof a === "object" && a !== null) {
      for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
        const ev = (e as Record<string, unknown>)[key];
        const av = (a as Record<string, unknown>)[key];
        if (!same(ev, av)) out.push({ fixture, field: `${field}[${label(e, i)}].${key}`, expected: ev, actual: av });
      }
    } else {
      out.push({ fixture, field: `${field}[${i}]`, expected: e, actual: a });
    }
  }
}

/** Position of a scriptlet kind in rpm's order (unknown kinds last); scriptlets are keyed by kind, not ordered. */
function rank(order: readonly string[], kind: string): number {
  const i = order.indexOf(kind);
  return i < 0 ? order.length : i;
}

/** Options for {@link compareWithOracle}. */
export interface CompareOptions {
  /** grove's `formatDependency`, checked against rpm's `%{REQUIRENEVRS}` rendering. */
  formatDependency: (dep: Dependency) => string;
  /** Scriptlet kinds rpm 4.18 cannot report (grove's extra ones of these kinds are not discrepancies). */
  kindsUnknownToRpm?: readonly string[];
}

/** All discrepancies between grove's {@link RpmPackage} and rpm's view of the same file. */
export function compareWithOracle(
  fixture: string,
  oracle: OraclePackage,
  pkg: RpmPackage,
  options: CompareOptions,
): Discrepancy[] {
  const out: Discrepancy[] = [];
  const expectedFields = oracleFields(oracle);
  const actualFields = packageFields(pkg);
  for (const key of Object.keys(expectedFields)) {
    if (!same(expectedFields[key], actualFields[key])) {
      out.push({ fixture, field: key, expected: expectedFields[key], actual: actualFields[key] });
    }
  }
  for (const kind of Object.keys(ORACLE_DEPENDENCY_KINDS) as OracleDependencyKind[]) {
    const expected = oracle.dependencies[kind];
    const actual = pkg.dependencies[kind] ?? [];
    compareLists(
      out,
      fixture,
      kind,
      expected.map((d) => ({ name: d.name, flags: d.flags, evr: d.evr, formatted: d.formatted })),
      actual.map((d) => ({ name: d.name, flags: d.flags, evr: d.evr, formatted: options.formatDependency(d) })),
      (d, i) => `${i}:${d.name}`,
    );
  }
  compareLists(out, fixture, "files", oracle.files, pkg.files.map(fileView), (f) => f.path);
  const rpmKinds = new Set<string>(Object.keys(ORACLE_SCRIPTLET_TAGS));
  const unknownToRpm = new Set(options.kindsUnknownToRpm ?? []);
  const kindOrder = [...rpmKinds];
  const groveScripts = pkg.scripts
    .filter((s) => rpmKinds.has(s.kind) || !unknownToRpm.has(s.kind))
    .sort((a, b) => rank(kindOrder, a.kind) - rank(kindOrder, b.kind));
  compareLists(
    out,
    fixture,
    "scripts",
    oracle.scripts,
    groveScripts.map((s: Scriptlet) => ({ kind: s.kind, interpreter: s.interpreter, body: s.body, flags: s.flags })),
    (s) => s.kind,
  );
  compareLists(out, fixture, "triggers", oracle.triggers, pkg.triggers.map(triggerView), (t, i) => `${i}:${t.kind}`);
  compareLists(
    out,
    fixture,
    "fileTriggers",
    oracle.fileTriggers,
    pkg.fileTriggers.map(triggerView),
    (t, i) => `${i}:${t.kind}`,
  );
  return out;
}
