/**
 * The corpus converter's Debian-to-RPM mapping: versions (checked against dpkg's and rpm's own comparisons),
 * relations, provides, translations and control parsing.
 */
import { spawnSync } from "node:child_process";
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import { parseStanzas } from "../bench/corpus/deb822.js";
import { parseRelationField } from "../bench/corpus/debian-relations.js";
import { debianVersionToRpm, formatEvr } from "../bench/corpus/debian-version.js";
import { formatRequirement, toRpmRequirement } from "../bench/corpus/rpm-dependencies.js";
import { providesOf, splitDescription, translationLanguage } from "../bench/corpus/spec-from-deb.js";

const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const toolsPresent = haveTool("dpkg") && haveTool("rpm");
if (!toolsPresent && process.env.CI) throw new Error("dpkg and rpm are required in CI for the version oracle");

/** dpkg's verdict: -1, 0 or 1. */
function dpkgCompare(a: string, b: string): number {
  if (spawnSync("dpkg", ["--compare-versions", a, "lt", b]).status === 0) return -1;
  if (spawnSync("dpkg", ["--compare-versions", a, "eq", b]).status === 0) return 0;
  return 1;
}

/** rpm's verdict on the converted EVRs (rpm.vercmp compares full [e:]v-r strings). */
function rpmCompare(a: string, b: string): number {
  const ea = formatEvr(debianVersionToRpm(a));
  const eb = formatEvr(debianVersionToRpm(b));
  const run = spawnSync("rpm", ["--eval", `%{lua: print(rpm.vercmp("${ea}", "${eb}"))}`], { encoding: "utf8" });
  return Math.sign(Number(run.stdout.trim()));
}

describe("debianVersionToRpm", () => {
  it("splits epoch, upstream version and revision", () => {
    expect(debianVersionToRpm("1:4.13+dfsg1-1+deb12u2")).toEqual({
      epoch: 1,
      version: "4.13+dfsg1",
      release: "1+deb12u2",
    });
    expect(debianVersionToRpm("2.36-9+deb12u14")).toEqual({ epoch: undefined, version: "2.36", release: "9+deb12u14" });
  });

  it("gives a native package (no revision) release 0, as dpkg compares it", () => {
    expect(debianVersionToRpm("12.4+deb12u15")).toEqual({ epoch: undefined, version: "12.4+deb12u15", release: "0" });
  });

  it("takes the revision after the last hyphen and replaces characters rpm forbids", () => {
    expect(debianVersionToRpm("1:2.0-beta-3")).toEqual({ epoch: 1, version: "2.0^beta", release: "3" });
    expect(debianVersionToRpm("3:1.2:3-1")).toEqual({ epoch: 3, version: "1.2.3", release: "1" });
  });

  it("rejects text that is not a Debian version", () => {
    for (const bad of ["", "-1", "a b", "1:"]) {
      let caught: unknown;
      try {
        debianVersionToRpm(bad);
      } catch (err) {
        caught = err;
      }
      expect(isGroveError(caught) && caught.code === "CORPUS_BAD_VERSION").toBe(true);
    }
  });

  it.skipIf(!toolsPresent)("orders real Debian versions the way dpkg does, once converted (rpm.vercmp)", () => {
    const pairs: [string, string][] = [
      ["2.36-9+deb12u14", "2.36-9+deb12u4"],
      ["1.0~rc1-1", "1.0-1"],
      ["1:1.0-1", "2.0-1"],
      ["1.2-1", "1.2-1+b1"],
      ["5.36.0-7+deb12u4", "5.36.0~"],
      ["12.4+deb12u15", "12.4"],
      ["252.39-1~deb12u2", "252.39-1"],
      ["3.0.22-1~deb12u2", "3.0.15-1~deb12u1"],
      ["1.9.4-1", "1.9.4"],
      ["2.38.1-5+deb12u3", "2.38.1-5+b1"],
      ["0.5.12-2", "0.5.12-2"],
      ["12.2.0-14+deb12u1", "12-20211113-2~"],
      ["1.0-1-2", "1.0-2"],
      ["1.0-1-2", "1.0.1-2"],
      ["1:2.3-rc1-1", "1:2.3-1"],
    ];
    for (const [a, b] of pairs) {
      expect({ a, b, rpm: rpmCompare(a, b) }).toEqual({ a, b, rpm: dpkgCompare(a, b) });
    }
  });
});

describe("relations", () => {
  it("parses alternatives, versions, arch qualifiers and the obsolete < and > operators", () => {
    const items = parseRelationField(
      "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0,\n python3:any (>= 3.7~), foo (< 2), bar (>1)",
      "Depends",
      "test",
    );
    expect(items).toEqual([
      [{ name: "libc6", operator: ">=", version: "2.34" }],
      [
        { name: "debconf", operator: ">=", version: "0.5" },
        { name: "debconf-2.0", operator: undefined, version: undefined },
      ],
      [{ name: "python3", operator: ">=", version: "3.7~" }],
      [{ name: "foo", operator: "<=", version: "2" }],
      [{ name: "bar", operator: ">=", version: "1" }],
    ]);
  });

  it("renders versioned relations with a release and alternatives as a rich dependency", () => {
    const [libc, debconf, strict] = parseRelationField(
      "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, libssl3 (= 3.0.22-1~deb12u2)",
      "Depends",
      "test",
    );
    expect(formatRequirement(toRpmRequirement(libc!))).toBe("libc6 >= 2.34-0");
    expect(formatRequirement(toRpmRequirement(debconf!))).toBe("(debconf >= 0.5-0 or debconf-2.0)");
    expect(formatRequirement(toRpmRequirement(strict!))).toBe("libssl3 = 3.0.22-1~deb12u2");
    const [dup] = parseRelationField("a | a | b (<< 1:2)", "Depends", "test");
    expect(formatRequirement(toRpmRequirement(dup!))).toBe("(a or b < 1:2-0)");
  });

  it("reports an unreadable relation with the package and field", () => {
    expect(() => parseRelationField("libc6 (>= 2.34", "Depends", "bash 5.2")).toThrow(/bash 5.2: Depends/);
  });

  it("gives unversioned provides the provider's own EVR", () => {
    const [control] = parseStanzas("Package: perl-modules-5.36\nProvides: perl-modules, foo (= 1.0)\n", "test");
    const own = debianVersionToRpm("5.36.0-7+deb12u4");
    expect(providesOf(control!, own, "test").map((p) => formatRequirement([p]))).toEqual([
      "perl-modules = 5.36.0-7+deb12u4",
      "foo = 1.0-0",
    ]);
  });
});

describe("control data", () => {
  it("parses stanzas with continuation lines and splits the description", () => {
    const [stanza, second] = parseStanzas(
      "Package: bash\nDescription: GNU Bourne Again SHell\n Bash is an sh-compatible shell.\n .\n Second paragraph.\n\nPackage: dash\n",
      "test",
    );
    expect(stanza?.get("Package")).toBe("bash");
    expect(second?.get("Package")).toBe("dash");
    expect(splitDescription(stanza?.get("Description"))).toEqual({
      summary: "GNU Bourne Again SHell",
      text: "Bash is an sh-compatible shell.\n\nSecond paragraph.",
    });
  });

  it("rejects a continuation line before any field", () => {
    expect(() => parseStanzas(" orphan\n", "broken.control")).toThrow(/broken.control:1/);
  });
});

describe("translationLanguage", () => {
  it("marks message catalogs and translated man pages like %find_lang", () => {
    expect(translationLanguage("/usr/share/locale/pt_BR/LC_MESSAGES/bash.mo", "file")).toBe("pt_BR");
    expect(translationLanguage("/usr/share/locale/sr@latin/LC_MESSAGES/a.mo", "file")).toBe("sr");
    expect(translationLanguage("/usr/share/man/de/man8/update-passwd.8.gz", "file")).toBe("de");
    expect(translationLanguage("/usr/share/man/man1/bash.1.gz", "file")).toBeUndefined();
    expect(translationLanguage("/usr/share/locale/locale.alias", "file")).toBeUndefined();
    expect(translationLanguage("/usr/share/locale/de/LC_MESSAGES", "directory")).toBeUndefined();
  });
});
