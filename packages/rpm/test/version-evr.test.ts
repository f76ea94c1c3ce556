/**
 * parseEVR / formatEVR / compareEVR: tables derived from rpm's parseEVR and rpmverCmp, and a differential run
 * against rpm 4.18's `rpm.vercmp` (rpmlua) on generated EVR strings.
 */
import { describe, expect, it } from "vitest";
import { compareEVR, compareParsedEVR, type EVR, formatEVR, parseEVR } from "../src/version/index.js";
import {
  haveRpmlua,
  missingToolMessage,
  oracleRequired,
  pick,
  randomPairs,
  realDependencies,
  realRpmsAvailable,
  rpmOracleCompareEVR,
  seededRandom,
} from "./version-oracles.js";

const PARSE_CASES: ReadonlyArray<readonly [string, EVR]> = [
  ["1.0", { epoch: undefined, version: "1.0", release: undefined }],
  ["1.0-1", { epoch: undefined, version: "1.0", release: "1" }],
  ["2:1.0-1.fc40", { epoch: "2", version: "1.0", release: "1.fc40" }],
  ["0:1.0", { epoch: "0", version: "1.0", release: undefined }],
  ["00:1.0", { epoch: "00", version: "1.0", release: undefined }],
  // An empty epoch becomes "0".
  [":1.0-2", { epoch: "0", version: "1.0", release: "2" }],
  // The epoch is only taken when the string starts with digits followed by ':'.
  ["a:1.0-2", { epoch: undefined, version: "a:1.0", release: "2" }],
  ["1a:1.0", { epoch: undefined, version: "1a:1.0", release: undefined }],
  ["1:2:3", { epoch: "1", version: "2:3", release: undefined }],
  // The release follows the LAST '-'.
  ["1.0-2-3", { epoch: undefined, version: "1.0-2", release: "3" }],
  ["3:1-2-3", { epoch: "3", version: "1-2", release: "3" }],
  ["1.0-", { epoch: undefined, version: "1.0", release: "" }],
  ["-1", { epoch: undefined, version: "", release: "1" }],
  ["1:", { epoch: "1", version: "", release: undefined }],
  ["1:-", { epoch: "1", version: "", release: "" }],
  ["", { epoch: undefined, version: "", release: undefined }],
  ["12345678901234567890:1", { epoch: "12345678901234567890", version: "1", release: undefined }],
  ["1.0~rc1^git2-0.1", { epoch: undefined, version: "1.0~rc1^git2", release: "0.1" }],
];

/** [a, b, rpm.vercmp(a, b)] */
const COMPARE_CASES: ReadonlyArray<readonly [string, string, number]> = [
  ["1.0-1", "1.0-1", 0],
  ["1.0-1", "1.0-2", -1],
  ["1.0-10", "1.0-9", 1],
  ["1.1-1", "1.0-9", 1],
  // epochs first; a missing epoch is 0
  ["1:1.0-1", "2.0-1", 1],
  ["0:1.0-1", "1.0-1", 0],
  ["00:1.0-1", "1.0-1", 0],
  [":1.0-1", "1.0-1", 0],
  [":1.0-1", "0:1.0-1", 0],
  ["1:1.0", "2:0.1", -1],
  ["10:1", "9:2", 1],
  ["012:1", "12:1", 0],
  // a missing release is older than any release (even an empty one)
  ["1.0", "1.0-1", -1],
  ["1.0-1", "1.0", 1],
  ["1.0", "1.0", 0],
  ["1.0-", "1.0", 1],
  ["1.0-", "1.0-", 0],
  ["1.0-", "1.0-0", -1],
  // but versions decide first
  ["1.1", "1.0-99", 1],
  // tilde and caret inside EVRs
  ["1.0~rc1-1", "1.0-1", -1],
  ["1.0^git1-1", "1.0-5", 1],
  ["1.0-1~bootstrap", "1.0-1", -1],
  // non-epoch colons and extra dashes
  ["a:1-2", "a:1-2", 0],
  ["1.0-2-3", "1.0-3", 1],
  ["1.0-2-3", "1.0-2-4", -1],
];

describe("parseEVR", () => {
  it.each(PARSE_CASES)("parseEVR(%j)", (s, expected) => {
    expect(parseEVR(s)).toEqual(expected);
  });

  it.each(PARSE_CASES.filter(([s]) => !s.startsWith(":")))("formatEVR(parseEVR(%j)) gives the string back", (s) => {
    expect(formatEVR(parseEVR(s))).toBe(s);
  });

  it("formatEVR writes an empty epoch's replacement", () => {
    expect(formatEVR(parseEVR(":1-2"))).toBe("0:1-2");
    expect(formatEVR({ epoch: undefined, version: "1", release: undefined })).toBe("1");
  });
});

describe("compareEVR", () => {
  it.each(COMPARE_CASES)("compareEVR(%j, %j) = %i", (a, b, expected) => {
    expect(compareEVR(a, b)).toBe(expected);
    expect(compareEVR(b, a)).toBe(-expected || 0);
    expect(compareParsedEVR(parseEVR(a), parseEVR(b))).toBe(expected);
  });

  it("sorts package EVRs", () => {
    const sorted = ["0.9-1", "1.0~rc1-1", "1.0-1", "1.0-1.fc40", "1.0-2", "1.0^git1-1", "1.1-1", "1:0.1-1", "2:0-0"];
    expect([...sorted].reverse().sort(compareEVR)).toEqual(sorted);
  });
});

/** Random EVR strings from small pools, so equal epochs / versions / releases (and odd shapes) are frequent. */
function generateEvrPairs(count: number, seed: number): Array<[string, string]> {
  const rand = seededRandom(seed);
  const epochs = ["", "", "", "0:", "00:", "1:", "2:", "10:", ":", "a:"];
  const versions = ["1.0", "1.0", "1.00", "1.0~rc1", "1.0^git1", "1.0.1", "2", "1.a", "1-2", ""];
  const releases = ["", "", "-1", "-1", "-01", "-2", "-1.fc40", "-", "-1~b", "-0"];
  const evr = (): string => {
    const s = pick(rand, epochs) + pick(rand, versions) + pick(rand, releases);
    return s === "" ? "1" : s;
  };
  const pairs: Array<[string, string]> = [];
  // Equal-comparing variants of the same EVR: spelled the same, with a zero epoch added, with zero-padded numbers.
  const variant = (s: string): string =>
    pick(rand, [s, /^\d*:/.test(s) ? s : `0:${s}`, s.replace(/\d+/g, (d) => `0${d}`), s.replace(".", "_")]);
  for (let k = 0; k < count; k++) {
    const a = evr();
    pairs.push([a, rand() < 0.25 ? variant(a) : evr()]);
  }
  return pairs;
}

describe.skipIf(!haveRpmlua && !oracleRequired)("compareEVR against rpm 4.18 (rpm.vercmp in rpmlua)", () => {
  it("agrees with rpm on the table and 1500 generated pairs", () => {
    const pairs: Array<readonly [string, string]> = [
      ...COMPARE_CASES.map(([a, b]) => [a, b] as const),
      ...generateEvrPairs(1500, 0xe7a),
    ];
    const expected = rpmOracleCompareEVR(pairs);
    const rows = pairs.map(([a, b], k) => ({ a, b, rpm: expected[k], grove: compareEVR(a, b) }));
    expect(rows.filter((r) => r.rpm !== r.grove)).toEqual([]);
    expect(rows.filter((r) => compareParsedEVR(parseEVR(r.a), parseEVR(r.b)) !== r.rpm)).toEqual([]);
    for (const outcome of [-1, 0, 1]) expect(expected.filter((r) => r === outcome).length).toBeGreaterThan(150);
  });

  it.skipIf(!realRpmsAvailable() && !oracleRequired)(
    "agrees with rpm on pairs of real package and dependency EVRs",
    () => {
      const { deps, packageEvrs } = realDependencies();
      const values = [...new Set([...packageEvrs, ...deps.map((d) => d.evr)].filter((e) => e !== ""))].sort();
      expect(values.length).toBeGreaterThan(50);
      const pairs = randomPairs(values, 11);
      const expected = rpmOracleCompareEVR(pairs);
      expect(pairs.filter(([a, b], k) => compareEVR(a, b) !== expected[k])).toEqual([]);
    },
  );
});

if (!haveRpmlua && !oracleRequired) {
  describe("compareEVR oracle", () => {
    it.skip(missingToolMessage("rpmlua"), () => {});
  });
}
