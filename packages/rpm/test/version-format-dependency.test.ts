/**
 * formatDependency and the RPMSENSE constants: tables, rpm's Python constants, and every dependency of every real
 * fixture package against what `rpm -qp` prints for it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { formatDependency, formatSenseOperator, parseSenseOperator, RpmSense } from "../src/version/index.js";
import {
  haveRpm,
  missingToolMessage,
  oracleRequired,
  realDependencies,
  realRpmsAvailable,
  rpmPython,
} from "./version-oracles.js";

const { LESS, GREATER, EQUAL } = RpmSense;

describe("formatDependency", () => {
  it.each([
    [{ name: "bash", flags: GREATER | EQUAL, evr: "5.1-2" }, "bash >= 5.1-2"],
    [{ name: "/bin/sh", flags: 0, evr: "" }, "/bin/sh"],
    [
      { name: "rpmlib(CompressedFileNames)", flags: LESS | EQUAL | RpmSense.RPMLIB, evr: "3.0.4-1" },
      "rpmlib(CompressedFileNames) <= 3.0.4-1",
    ],
    [
      { name: "config(centos-release)", flags: EQUAL | RpmSense.CONFIG, evr: "1:3.1-1" },
      "config(centos-release) = 1:3.1-1",
    ],
    [{ name: "foo", flags: LESS, evr: "2" }, "foo < 2"],
    [{ name: "foo", flags: GREATER, evr: "2" }, "foo > 2"],
    [{ name: "foo", flags: LESS | GREATER, evr: "2" }, "foo <> 2"],
    [{ name: "/bin/sh", flags: RpmSense.SCRIPT_PRE | RpmSense.INTERP, evr: "" }, "/bin/sh"],
    // rpm prints whatever the header holds, even half a constraint
    [{ name: "foo", flags: EQUAL, evr: "" }, "foo ="],
    [{ name: "foo", flags: 0, evr: "1.0" }, "foo 1.0"],
    [{ name: "foo", flags: 1, evr: "1.0" }, "foo  1.0"],
    [{ name: "(a or b)", flags: 0, evr: "" }, "(a or b)"],
  ])("%j -> %j", (dep, expected) => {
    expect(formatDependency(dep)).toBe(expected);
  });
});

describe("sense operators", () => {
  it.each([
    ["<", LESS],
    ["<=", LESS | EQUAL],
    ["=<", LESS | EQUAL],
    ["=", EQUAL],
    ["==", EQUAL],
    [">=", GREATER | EQUAL],
    ["=>", GREATER | EQUAL],
    [">", GREATER],
    ["", 0],
    ["<>", 0],
    ["!=", 0],
    ["<==", 0],
    ["and", 0],
  ])("parseSenseOperator(%j) = %i", (op, flags) => {
    expect(parseSenseOperator(op)).toBe(flags);
  });

  it("formatSenseOperator writes <, >, = in rpm's order and ignores other bits", () => {
    expect(formatSenseOperator(0)).toBe("");
    expect(formatSenseOperator(LESS | EQUAL | RpmSense.PREREQ)).toBe("<=");
    expect(formatSenseOperator(GREATER | EQUAL)).toBe(">=");
    expect(formatSenseOperator(LESS | GREATER | EQUAL)).toBe("<>=");
  });
});

describe.skipIf(rpmPython === undefined && !oracleRequired)("RpmSense matches rpm's own constants", () => {
  it("every RPMSENSE_* value rpm 4.18's python module defines", () => {
    const run = spawnSync(
      rpmPython ?? "python3",
      [
        "-c",
        "import rpm, json; print(json.dumps({k[9:]: getattr(rpm, k) for k in dir(rpm) if k.startswith('RPMSENSE_')}))",
      ],
      { encoding: "utf8" },
    );
    const fromRpm = JSON.parse(run.stdout) as Record<string, number>;
    expect(Object.keys(fromRpm).length).toBeGreaterThan(20);
    const ours: Record<string, number> = RpmSense;
    for (const [name, value] of Object.entries(fromRpm)) {
      if (name === "SENSEMASK" || name === "TRIGGER" || name === "ANY") {
        if (name in ours) expect(ours[name], name).toBe(value);
        continue;
      }
      expect(ours[name], `RPMSENSE_${name}`).toBe(value);
    }
  });
});

describe.skipIf((!haveRpm || !realRpmsAvailable()) && !oracleRequired)("formatDependency on real packages", () => {
  it("prints every dependency of every fixture package exactly as rpm -qp does", () => {
    const { deps } = realDependencies();
    expect(deps.length).toBeGreaterThan(1000);
    const mismatches = deps.filter((d) => formatDependency(d) !== d.printed);
    expect(mismatches).toEqual([]);
  });
});

if ((!haveRpm || !realRpmsAvailable()) && !oracleRequired) {
  describe("formatDependency oracle", () => {
    it.skip(missingToolMessage("rpm or the shared fixtures"), () => {});
  });
}
