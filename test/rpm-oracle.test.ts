/**
 * The all-fixtures oracle test: every real RPM in `../shared/fixtures/real-rpms/` is read by grove and by Debian's
 * rpm 4.18, and the two must agree.
 *
 * For each valid package: NEVRA, every dependency kind (raw name/flags/evr plus `formatDependency` against rpm's
 * own rendering), the full file list (path, mode, size, owner, digest, link target, flags, inode, ...) and the
 * scriptlets equal `rpm -qp --qf ...`; every regular file grove extracts has the header's digest and the same
 * bytes as `rpm2cpio | cpio -idm` extracts, symlinks and hard links match too.
 * For each deliberately broken package: rpm itself rejects it (`rpm -K` exits non-zero) and grove throws a
 * GroveError with a code, naming the file.
 *
 * Set `GROVE_ORACLE_REPORT=/some/file.json` to get every discrepancy as JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isGroveError } from "@grove/core";
import { formatDependency, openRpm, readRpmFile } from "@grove/rpm";
import { describe, expect, it } from "vitest";
import { extractPayload, snapshotTree } from "./helpers/extract-oracle.js";
import { compareWithOracle, type Discrepancy } from "./helpers/oracle-compare.js";
import { comparePayload } from "./helpers/payload-compare.js";
import { listRealRpms, realRpmsAvailable, realRpmsDir } from "./helpers/real-rpm-fixtures.js";
import { rpmCheckDigests, rpmFilesFailingDigests } from "./helpers/rpm-digest-check.js";
import { type OraclePackage, queryRpm } from "./helpers/rpm-oracle.js";

/**
 * The deliberately broken fixtures (MANIFEST.md per-file table), with what is wrong with each. Every other fixture
 * is valid, including those whose signature rpm cannot check (NOKEY, ECDSA, v6 OpenPGP): only digest and
 * structure failures make a package broken. The first test checks this list against `rpm -K --nosignature`.
 */
const BROKEN_FIXTURES: Readonly<Record<string, string>> = {
  "libzypp/RpmPkgSigCheck/signed_broken.rpm": "signed.rpm plus one byte after the xz payload: payload digests BAD",
  "libzypp/RpmPkgSigCheck/signed_broken_header.rpm": "one byte flipped in the signed header: SHA1/SHA256 BAD",
  "libzypp/RpmPkgSigCheck/unsigned_broken.rpm": "unsigned.rpm plus one byte after the xz payload: payload digests BAD",
  "libzypp/RpmPkgSigCheck/unsigned_broken_header.rpm": "header byte changed ('pkg' -> 'pXg'): header digests BAD",
  "rpm/RPMS/hello-2.0-1.x86_64-corrupted.rpm": "truncated to 3216 bytes: payload missing, payload digest BAD",
  "scancode-toolkit/broken.rpm": "lead signature type 0 and no header magic at offset 96: not parseable",
  "scancode-toolkit/fping-2.2b1-1.src.rpm": "truncated to 3000 bytes (v3 header parses, payload cut off): MD5 BAD",
  "scancode-toolkit/perl-Compress-Zlib-1.16-1.7.3.noarch.rpm": "truncated to 3000 bytes: payload cut off, MD5 BAD",
};

/** Scriptlet kinds grove may report that rpm 4.18 has no tags for (added in rpm 4.20). */
const KINDS_UNKNOWN_TO_RPM_418 = ["preuntrans", "postuntrans"];

/** A place where `rpm -qp` does not print the header as stored, and how to read its answer instead. */
interface RpmQueryException {
  /** Why rpm's output differs from the stored header, with the rpm source that does it. */
  reason: string;
  /** Rewrites rpm's answer into what the header holds; returns true when it changed something. */
  apply(oracle: OraclePackage): boolean;
}

/**
 * The documented differences between rpm 4.18's query output and the stored header. Each must be used by at least
 * one fixture (checked below), so a stale exception cannot hide a real disagreement.
 */
const RPM_QUERY_EXCEPTIONS: Readonly<Record<string, RpmQueryException>> = {
  "absent PAYLOADCOMPRESSOR is gzip": {
    reason:
      "rpm prints (none) for a missing PAYLOADCOMPRESSOR but every reader of the payload opens it as gzip " +
      '(lib/rpmte.c rpmtePayload, rpm2cpio.c: `compr ? compr : "gzip"`; zlib passes raw cpio through). ' +
      "grove reports the compressor rpm uses.",
    apply(oracle) {
      if (oracle.payloadCompressor !== "") return false;
      oracle.payloadCompressor = "gzip";
      return true;
    },
  },
  "v3 header self-provide": {
    reason:
      "for a v3 header (no immutable region) rpm retrofits the header on read (lib/legacy.c legacyRetrofit -> " +
      "providePackageNVR) and adds `Provides: N = [E:]V-R`, printing the warning 'RPM v3 packages are deprecated'. " +
      "grove reports the dependencies stored in the header.",
    apply(oracle) {
      if (!/RPM v3 packages are deprecated/.test(oracle.warnings)) return false;
      const evr = `${oracle.epoch === undefined ? "" : `${oracle.epoch}:`}${oracle.version}-${oracle.release}`;
      const provides = oracle.dependencies.provides;
      const at = provides.findIndex((d) => d.name === oracle.name && d.flags === RPMSENSE_EQUAL && d.evr === evr);
      if (at < 0) return false;
      provides.splice(at, 1);
      return true;
    },
  },
};

/** RPMSENSE_EQUAL. */
const RPMSENSE_EQUAL = 8;
const exceptionUses = new Map<string, string[]>();

const available = realRpmsAvailable();
if (!available) {
  if (process.env.CI) throw new Error(`real RPM fixtures missing at ${realRpmsDir} (required in CI)`);
  console.warn(`skipping rpm-oracle.test.ts: real RPM fixtures not found at ${realRpmsDir}`);
}

const fixtures = available ? listRealRpms() : [];
const valid = fixtures.filter((f) => !(f in BROKEN_FIXTURES));
const broken = fixtures.filter((f) => f in BROKEN_FIXTURES);
const fullPath = (fixture: string) => path.join(realRpmsDir, fixture);
const tally = { agree: 0, rejected: 0 };
/** What was compared, so a vacuous pass (nothing read, nothing hashed) cannot go unnoticed. */
const coverage = {
  files: 0,
  dependencies: 0,
  scriptlets: 0,
  triggers: 0,
  hashed: 0,
  hardlinks: 0,
  symlinks: 0,
  dirs: 0,
};

/** Everything grove and the oracles disagree on for one valid package. */
async function checkValidPackage(fixture: string): Promise<Discrepancy[]> {
  const file = fullPath(fixture);
  const oracle = queryRpm(file);
  for (const [name, exception] of Object.entries(RPM_QUERY_EXCEPTIONS)) {
    if (exception.apply(oracle)) exceptionUses.set(name, [...(exceptionUses.get(name) ?? []), fixture]);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "grove-rpm-oracle-"));
  try {
    extractPayload(file, dir);
    const tree = snapshotTree(dir);
    const reader = await openRpm(new Uint8Array(await readFile(file)), { verify: true, subject: file });
    const header = compareWithOracle(fixture, oracle, reader.pkg, {
      formatDependency,
      kindsUnknownToRpm: KINDS_UNKNOWN_TO_RPM_418,
    });
    const payload = await comparePayload(
      fixture,
      reader.pkg.files,
      reader.pkg.fileDigestAlgorithm,
      reader.entries(),
      tree,
    );
    const pkg = reader.pkg;
    coverage.files += pkg.files.length;
    coverage.dependencies += Object.values(pkg.dependencies).reduce((n, list) => n + list.length, 0);
    coverage.scriptlets += pkg.scripts.length;
    coverage.triggers += pkg.triggers.length + pkg.fileTriggers.length;
    coverage.hashed += payload.counts.files;
    coverage.hardlinks += payload.counts.hardlinks;
    coverage.symlinks += payload.counts.symlinks;
    coverage.dirs += payload.counts.directories;
    return [...header, ...payload.discrepancies];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Read a package completely with verification (readRpmFile drains and checks every file); the error, if any. */
async function readCompletely(file: string): Promise<unknown> {
  try {
    await readRpmFile(file, { verify: true });
    return undefined;
  } catch (err) {
    return err;
  }
}

function describeDiscrepancies(list: readonly Discrepancy[]): string {
  return list
    .map((d) => `${d.fixture}: ${d.field}: rpm ${JSON.stringify(d.expected)} vs grove ${JSON.stringify(d.actual)}`)
    .join("\n");
}

describe.skipIf(!available)("grove agrees with rpm 4.18 on every real RPM", () => {
  it("classifies the fixtures the way rpm -K does: exactly the broken ones fail their digests", () => {
    expect(fixtures.length).toBeGreaterThan(100);
    for (const name of Object.keys(BROKEN_FIXTURES)) expect(fixtures, name).toContain(name);
    const failing = rpmFilesFailingDigests(fixtures.map(fullPath)).map((f) => path.relative(realRpmsDir, f));
    expect(failing.sort()).toEqual(broken);
    for (const fixture of broken) {
      const verdict = rpmCheckDigests(fullPath(fixture));
      expect(verdict.ok, `rpm -K accepted ${fixture}: ${verdict.output}`).toBe(false);
      expect(verdict.status).not.toBe(0);
    }
  });

  it("every valid package: headers equal rpm -qp, payload equals rpm2cpio | cpio and the header digests", async () => {
    const discrepancies: Discrepancy[] = [];
    for (const fixture of valid) {
      let found: Discrepancy[];
      try {
        found = await checkValidPackage(fixture);
      } catch (err) {
        found = [{ fixture, field: "read", expected: "no error", actual: String(err) }];
      }
      if (found.length === 0) tally.agree++;
      discrepancies.push(...found);
    }
    const report = process.env.GROVE_ORACLE_REPORT;
    if (report) writeFileSync(report, `${JSON.stringify(discrepancies, null, 2)}\n`);
    expect(discrepancies.length, describeDiscrepancies(discrepancies)).toBe(0);
    console.log(`compared: ${JSON.stringify(coverage)}`);
    // Floors well below what the fixtures hold (MANIFEST.md): a reader that yields nothing cannot pass.
    expect(coverage.files).toBeGreaterThan(2000);
    expect(coverage.hashed).toBeGreaterThan(1500);
    expect(coverage.dependencies).toBeGreaterThan(1000);
    expect(coverage.scriptlets).toBeGreaterThan(20);
    expect(coverage.triggers).toBeGreaterThan(5);
    expect(coverage.hardlinks).toBeGreaterThan(40);
    expect(coverage.symlinks).toBeGreaterThan(100);
    const applied: string[] = [];
    for (const [name, { reason }] of Object.entries(RPM_QUERY_EXCEPTIONS)) {
      const uses = exceptionUses.get(name);
      expect(uses, `exception "${name}" no longer needed by any fixture`).toBeDefined();
      applied.push(`rpm 4.18 exception "${name}" applied to ${uses?.length} package(s): ${reason}`);
    }
    console.log(applied.join("\n"));
  });

  it("every broken package: grove throws a GroveError with a code, naming the file", async () => {
    const problems: string[] = [];
    const verdicts: string[] = [];
    for (const fixture of broken) {
      const file = fullPath(fixture);
      const err = await readCompletely(file);
      if (!isGroveError(err)) problems.push(`${fixture}: expected a GroveError, got ${String(err)}`);
      else if (!/^RPM_[A-Z0-9_]+$/.test(err.code)) problems.push(`${fixture}: bad code ${err.code}`);
      else if (!err.message.includes(file)) problems.push(`${fixture}: message does not name the file: ${err.message}`);
      else {
        tally.rejected++;
        verdicts.push(`${err.code}: ${fixture} (${BROKEN_FIXTURES[fixture]})`);
      }
    }
    console.log(verdicts.join("\n"));
    expect(problems).toEqual([]);
  });

  it("reports the tally: every fixture either agrees or is rejected as broken", () => {
    console.log(`${tally.agree} packages agree, ${tally.rejected} rejected as broken`);
    expect(tally.agree + tally.rejected).toBe(fixtures.length);
  });
});
