/**
 * rangesOverlap: rpm's rpmdsCompare / rpmverOverlap rules in a table, and a differential run against rpm 4.18's
 * Python bindings (`rpm.ds(...).Compare`) on generated and real dependency pairs.
 */
import { describe, expect, it } from "vitest";
import { parsedRangesOverlap, parseEVR, RpmSense, rangesOverlap } from "../src/version/index.js";
import {
  missingToolMessage,
  type OverlapQuestion,
  oracleRequired,
  pick,
  realDependencies,
  realRpmsAvailable,
  rpmOracleOverlap,
  rpmPython,
  seededRandom,
} from "./version-oracles.js";

const { LESS, GREATER, EQUAL } = RpmSense;
const LE = LESS | EQUAL;
const GE = GREATER | EQUAL;

/** [aFlags, aEvr, bFlags, bEvr, overlap] — by hand from rpmverOverlap/rpmdsCompareIndex. */
const CASES: ReadonlyArray<readonly [number, string, number, string, boolean]> = [
  // unversioned sides always overlap
  [0, "", EQUAL, "1.0-1", true],
  [EQUAL, "1.0", 0, "", true],
  [EQUAL, "", EQUAL, "1.0", true],
  [0, "2.0", LESS, "1.0", true],
  [RpmSense.SCRIPT_PRE, "2.0", LESS, "1.0", true],
  // plain intervals
  [EQUAL, "1.0", EQUAL, "1.0", true],
  [EQUAL, "1.0", EQUAL, "1.1", false],
  [LESS, "1.0", GREATER, "1.0", false],
  [LE, "1.0", GE, "1.0", true],
  [LESS, "1.0", LESS, "0.5", true],
  [GREATER, "1.0", LESS, "2.0", true],
  [GREATER, "2.0", LESS, "1.0", false],
  [GE, "2.0", EQUAL, "1.9", false],
  [GE, "2.0", EQUAL, "2.0.1", true],
  [LESS | GREATER, "1.0", EQUAL, "1.0", false],
  // the release-less side matches any release when it includes EQUAL (rpm's asymmetric rule)
  [EQUAL, "2.0", EQUAL, "2.0-5", true],
  [EQUAL, "2.0-5", EQUAL, "2.0", true],
  [LE, "2.0", EQUAL, "2.0-5", true],
  [GE, "2.0", EQUAL, "2.0-5", true],
  [LESS, "2.0", EQUAL, "2.0-5", false],
  [GREATER, "2.0", EQUAL, "2.0-5", false],
  [EQUAL, "2.0", GREATER, "2.0-1", true],
  [EQUAL, "2.0", LESS, "2.0-1", true],
  [LESS, "2.0", GREATER, "2.0-1", false],
  [LESS, "2.0", LESS, "2.0-1", true],
  // both with releases: compared
  [EQUAL, "2.0-1", EQUAL, "2.0-2", false],
  [GE, "2.0-1", EQUAL, "2.0-2", true],
  [LESS, "2.0-1", EQUAL, "2.0-2", false],
  [LE, "2.0-2", EQUAL, "2.0-2", true],
  // an empty release counts as none
  [EQUAL, "1.0-1", EQUAL, "1.0-", true],
  [LESS, "1.0-", EQUAL, "1.0-1", false],
  // epochs: compared when both have one; otherwise a positive epoch wins, a missing one is 0
  [EQUAL, "1:1.0", EQUAL, "1.0", false],
  [EQUAL, "0:1.0", EQUAL, "1.0", true],
  [EQUAL, "00:1.0", EQUAL, "0:1.0", true],
  [EQUAL, ":1.0", EQUAL, "1.0", true],
  [GE, "1.0", EQUAL, "1:0.5", true],
  [LESS, "2.0", EQUAL, "1:1.0", false],
  [LESS, "2:0", EQUAL, "1:9", true],
  [EQUAL, "1:2.0", EQUAL, "1:2.0-3", true],
  [EQUAL, "a:2.0", EQUAL, "a:2.0-3", true],
  // tilde and caret
  [EQUAL, "1.0~rc1", GE, "1.0", false],
  [LESS, "1.0", EQUAL, "1.0~rc1-1", true],
  [GREATER, "1.0", EQUAL, "1.0^git1-1", true],
  // context bits do not matter, but the unused bit 0 alone makes a side "versioned" with no operator
  [EQUAL | RpmSense.SCRIPT_PRE | RpmSense.RPMLIB, "1.0", GE | RpmSense.FIND_PROVIDES, "1.0", true],
  [1, "1.0", EQUAL, "1.0", false],
];

describe("rangesOverlap", () => {
  it.each(CASES)("(%i %j) vs (%i %j) -> %s", (af, ae, bf, be, expected) => {
    expect(rangesOverlap({ flags: af, evr: ae }, { flags: bf, evr: be })).toBe(expected);
    expect(rangesOverlap({ flags: bf, evr: be }, { flags: af, evr: ae })).toBe(expected);
    if ((af & 15) !== 0 && (bf & 15) !== 0 && ae !== "" && be !== "") {
      expect(parsedRangesOverlap(parseEVR(ae), af, parseEVR(be), bf)).toBe(expected);
    }
  });

  it("accepts Dependency objects directly", () => {
    const provide = { name: "foo", flags: EQUAL, evr: "1:2.0-3" };
    const require = { name: "foo", flags: GE | RpmSense.SCRIPT_PRE, evr: "1:2.0" };
    expect(rangesOverlap(provide, require)).toBe(true);
  });
});

/** Random (flags, EVR) pairs from small pools, so equal epochs/versions and missing releases are frequent. */
function generateQuestions(count: number, seed: number): OverlapQuestion[] {
  const rand = seededRandom(seed);
  const flags = [0, LESS, GREATER, EQUAL, LE, GE, LESS | GREATER, 1, EQUAL | RpmSense.SCRIPT_PRE, GE | RpmSense.RPMLIB];
  const epochs = ["", "", "", "0:", "00:", "1:", "2:", ":", "a:"];
  const versions = ["1.0", "1.0", "1.00", "1.0~rc1", "1.0^1", "2", "0.9", "1-0"];
  const releases = ["", "", "-1", "-1", "-2", "-01", "-", "-1~b"];
  const evr = (): string => (rand() < 0.05 ? "" : pick(rand, epochs) + pick(rand, versions) + pick(rand, releases));
  const out: OverlapQuestion[] = [];
  for (let k = 0; k < count; k++) out.push([pick(rand, flags), evr(), pick(rand, flags), evr()]);
  return out;
}

describe.skipIf(rpmPython === undefined && !oracleRequired)("rangesOverlap against rpm 4.18 (rpm.ds.Compare)", () => {
  it("agrees with rpm on the table and 3000 generated pairs, in one python process", () => {
    const questions: OverlapQuestion[] = [
      ...CASES.map(([af, ae, bf, be]) => [af, ae, bf, be] as const),
      ...generateQuestions(3000, 0x0be1),
    ];
    const expected = rpmOracleOverlap(questions);
    const rows = questions.map(([af, ae, bf, be], k) => ({
      a: [af, ae],
      b: [bf, be],
      rpm: expected[k],
      grove: rangesOverlap({ flags: af, evr: ae }, { flags: bf, evr: be }),
    }));
    expect(rows.filter((r) => r.rpm !== r.grove)).toEqual([]);
    expect(expected.filter((x) => x).length).toBeGreaterThan(500);
    expect(expected.filter((x) => !x).length).toBeGreaterThan(500);
  });

  it.skipIf(!realRpmsAvailable() && !oracleRequired)("agrees with rpm on pairs of real versioned dependencies", () => {
    const versioned = realDependencies().deps.filter((d) => d.evr !== "" && (d.flags & 15) !== 0);
    expect(versioned.length).toBeGreaterThan(100);
    const rand = seededRandom(3);
    const questions: OverlapQuestion[] = [];
    for (let k = 0; k < 2000; k++) {
      const a = pick(rand, versioned);
      const b = pick(rand, versioned);
      questions.push([a.flags, a.evr, b.flags, b.evr]);
      // The same EVRs with an EQUAL provide on one side, as when matching a package's self-provide.
      questions.push([EQUAL, a.evr, b.flags, b.evr]);
    }
    const expected = rpmOracleOverlap(questions);
    expect(
      questions.filter(
        ([af, ae, bf, be], k) => rangesOverlap({ flags: af, evr: ae }, { flags: bf, evr: be }) !== expected[k],
      ),
    ).toEqual([]);
  });
});

if (rpmPython === undefined && !oracleRequired) {
  describe("rangesOverlap oracle", () => {
    it.skip(missingToolMessage("python3 with rpm's bindings (python3-rpm)"), () => {});
  });
}
