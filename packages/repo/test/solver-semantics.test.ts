/**
 * The solver's rpm/dnf semantics on synthetic pools: search that needs backtracking, Conflicts, Obsoletes,
 * rich dependencies, file dependencies, weak dependencies, arch policy, repository priority and cost,
 * excludes.
 */
import { describe, expect, it } from "vitest";
import { nevraOf, SolveError, type SolverPackage, solve } from "../src/solver/index.js";
import { installed, pkg, repo } from "./solver-fixtures.js";

async function problemsOf(promise: Promise<unknown>): Promise<string[][]> {
  const err = await promise.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SolveError);
  return (err as SolveError).problems.map((p) => [...p.rules]);
}

describe("complete search", () => {
  it("backtracks out of a choice that fails several levels down", async () => {
    // app needs one of x1..x4; each xi needs yi; yi conflicts with z, which app also needs, except y4.
    const packages = [
      pkg("app-1-1", { requires: ["x", "z"] }),
      pkg("z-1-1"),
      ...[1, 2, 3, 4].flatMap((i) => [
        pkg(`x${i}-1-1`, { provides: ["x"], requires: [`y${i}`] }),
        pkg(`y${i}-1-1`, i === 4 ? {} : { conflicts: ["z"] }),
      ]),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "x4-1-1.noarch",
      "y4-1-1.noarch",
      "z-1-1.noarch",
    ]);
  });

  it("solves a puzzle where the preferred first choice is wrong", async () => {
    // Three slots must be filled; `a` (tried first, by name) fills two but excludes every filler of the third.
    const packages = [
      pkg("app-1-1", { requires: ["s1", "s2", "s3"] }),
      pkg("a-1-1", { provides: ["s1", "s2"], conflicts: ["b", "c", "d"] }),
      pkg("b-1-1", { provides: ["s1"] }),
      pkg("c-1-1", { provides: ["s2", "s3"] }),
      pkg("d-1-1", { provides: ["s3"], conflicts: ["c"] }),
    ];
    const result = await installed({ repos: [repo("r", packages)], install: ["app"] });
    expect(result).toEqual(["app-1-1.noarch", "b-1-1.noarch", "c-1-1.noarch"]);
  });

  it("picks an older version when only it fits", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["lib", "tool"] }),
      pkg("lib-1-1", { requires: ["base"] }),
      pkg("lib-2-1", { requires: ["base >= 2"] }),
      pkg("tool-1-1", { conflicts: ["base >= 2"] }),
      pkg("base-1-1"),
      pkg("base-2-1"),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "base-1-1.noarch",
      "lib-1-1.noarch",
      "tool-1-1.noarch",
    ]);
  });

  it("installs one package per name", async () => {
    const packages = [
      pkg("a-1-1", { requires: ["lib = 1"] }),
      pkg("b-1-1", { requires: ["lib = 2"] }),
      pkg("lib-1-1"),
      pkg("lib-2-1"),
    ];
    const problems = await problemsOf(solve({ repos: [repo("r", packages)], install: ["a", "b"] }));
    expect(problems.flat()).toContain("cannot install both lib-2-1.noarch and lib-1-1.noarch");
  });
});

describe("provides and versions", () => {
  it("matches versioned requirements with rpm's overlap rules", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["py = 3.9", "libx >= 2.0-3"] }),
      pkg("py39-3.9.7-1", { provides: ["py = 3.9.7-1"] }),
      pkg("py-3.9-5"),
      pkg("libx-2.0-2"),
      pkg("libx-2.0-3"),
    ];
    // `py = 3.9` matches the self-provide `py = 3.9-5` (no release on the requiring side) but not 3.9.7.
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "libx-2.0-3.noarch",
      "py-3.9-5.noarch",
    ]);
  });

  it("prefers a provider already chosen for something else", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["shell", "zsh"] }),
      pkg("bash-5-1", { provides: ["shell"] }),
      pkg("zsh-5-1", { provides: ["shell"] }),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "zsh-5-1.noarch",
    ]);
  });

  it("chooses among providers of different names by name, like libsolv", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["mta"] }),
      pkg("sendmail-8-1", { provides: ["mta"] }),
      pkg("exim-4-1", { provides: ["mta"] }),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "exim-4-1.noarch",
    ]);
  });

  it("prefers the provider of the higher version of a shared capability", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["python(abi)"] }),
      pkg("alpha-3.9-1", { provides: ["python(abi) = 3.9"] }),
      pkg("beta-3.11-1", { provides: ["python(abi) = 3.11"] }),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "beta-3.11-1.noarch",
    ]);
  });
});

describe("conflicts and obsoletes", () => {
  it("lets a conflict decide between alternatives", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["editor", "common"] }),
      pkg("aaa-1-1", { provides: ["editor"], conflicts: ["common"] }),
      pkg("bbb-1-1", { provides: ["editor"] }),
      pkg("common-1-1"),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "bbb-1-1.noarch",
      "common-1-1.noarch",
    ]);
  });

  it("explains conflicting requests", async () => {
    const packages = [pkg("a-1-1", { conflicts: ["b"] }), pkg("b-1-1")];
    expect(await problemsOf(solve({ repos: [repo("r", packages)], install: ["a", "b"] }))).toEqual([
      ["package a-1-1.noarch conflicts with b provided by b-1-1.noarch", "conflicting requests"],
    ]);
  });

  it("ignores a package's conflict with itself", async () => {
    const packages = [pkg("mta-a-1-1", { provides: ["mta"], conflicts: ["mta"] })];
    expect(await installed({ repos: [repo("r", packages)], install: ["mta"] })).toEqual(["mta-a-1-1.noarch"]);
  });

  it("installs the replacement when a request names an obsoleted package", async () => {
    const packages = [
      pkg("oldname-1-1"),
      pkg("newname-2-1", { obsoletes: ["oldname < 2"], provides: ["oldname = 2-1"] }),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["oldname"] })).toEqual(["newname-2-1.noarch"]);
  });

  it("matches Obsoletes against package names, not provides", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["cap", "other"] }),
      pkg("capper-1-1", { provides: ["cap"] }),
      pkg("other-1-1", { obsoletes: ["cap"] }),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "capper-1-1.noarch",
      "other-1-1.noarch",
    ]);
  });

  it("does not install a package together with one it obsoletes", async () => {
    const packages = [pkg("a-1-1"), pkg("b-1-1", { obsoletes: ["a"] })];
    const problems = await problemsOf(solve({ repos: [repo("r", packages)], install: ["a-1-1", "b"] }));
    expect(problems[0]).toContain("package b-1-1.noarch obsoletes a provided by a-1-1.noarch");
  });
});

describe("rich dependencies", () => {
  const base = [pkg("b-1-1"), pkg("c-1-1"), pkg("d-1-1"), pkg("e-1-1"), pkg("f-1-1"), pkg("g-1-1")];

  it("requires (b or c): one of them", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["(c or b)"] }), ...base]);
    expect(await installed({ repos: [r], install: ["app"] })).toEqual(["app-1-1.noarch", "b-1-1.noarch"]);
  });

  it("requires (b and c): both", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["(b and c)"] }), ...base]);
    expect(await installed({ repos: [r], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "b-1-1.noarch",
      "c-1-1.noarch",
    ]);
  });

  it("requires (b if c): only when c is installed", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["(b if c)"] }), ...base]);
    expect(await installed({ repos: [r], install: ["app"] })).toEqual(["app-1-1.noarch"]);
    expect(await installed({ repos: [r], install: ["app", "c"] })).toEqual([
      "app-1-1.noarch",
      "b-1-1.noarch",
      "c-1-1.noarch",
    ]);
  });

  it("requires (b if c else d): b with c, d without", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["(b if c else d)"] }), ...base]);
    // Like libsolv, the clause (c or d) is fulfilled with the name that sorts first, which then needs b.
    expect(await installed({ repos: [r], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "b-1-1.noarch",
      "c-1-1.noarch",
    ]);
    expect(await installed({ repos: [r], install: ["app"], excludes: ["c"] })).toEqual([
      "app-1-1.noarch",
      "d-1-1.noarch",
    ]);
  });

  it("requires (b unless c): b, and c must stay away", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["(b unless c)"] }), ...base]);
    expect(await installed({ repos: [r], install: ["app"] })).toEqual(["app-1-1.noarch", "b-1-1.noarch"]);
    await problemsOf(solve({ repos: [r], install: ["app", "c"] }));
  });

  it("requires (x with y) and (x without y): the same package must (not) provide both", async () => {
    const packages = [
      pkg("app-1-1", { requires: ["(lib with lib-compat)"] }),
      pkg("tool-1-1", { requires: ["(lang without lang-old)"] }),
      pkg("lib1-1-1", { provides: ["lib"] }),
      pkg("lib2-1-1", { provides: ["lib", "lib-compat"] }),
      pkg("compat-1-1", { provides: ["lib-compat"] }),
      pkg("lang1-1-1", { provides: ["lang", "lang-old"] }),
      pkg("lang2-1-1", { provides: ["lang"] }),
    ];
    expect(await installed({ repos: [repo("r", packages)], install: ["app", "tool"] })).toEqual([
      "app-1-1.noarch",
      "lang2-1-1.noarch",
      "lib2-1-1.noarch",
      "tool-1-1.noarch",
    ]);
  });

  it("conflicts (b and c): not both", async () => {
    const r = repo("r", [pkg("app-1-1", { conflicts: ["(b and c)"] }), ...base]);
    expect(await installed({ repos: [r], install: ["app", "b"] })).toEqual(["app-1-1.noarch", "b-1-1.noarch"]);
    await problemsOf(solve({ repos: [r], install: ["app", "b", "c"] }));
  });

  it("supplements (b and c): installed when both are", async () => {
    const r = repo("r", [pkg("plugin-1-1", { supplements: ["(b and c)"] }), ...base]);
    expect(await installed({ repos: [r], install: ["b"] })).toEqual(["b-1-1.noarch"]);
    expect(await installed({ repos: [r], install: ["b", "c"] })).toEqual([
      "b-1-1.noarch",
      "c-1-1.noarch",
      "plugin-1-1.noarch",
    ]);
  });

  it("rejects a malformed rich dependency with a GroveError", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["(b or"] }), ...base]);
    const err = await solve({ repos: [r], install: ["app"] }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("RPM_BAD_RICH_DEP");
  });
});

describe("file dependencies", () => {
  it("uses the primary files first, and asks the full file lists only for other paths", async () => {
    const asked: string[][] = [];
    const packages = [
      pkg("app-1-1", { requires: ["/usr/bin/interp", "/usr/share/data/file.dat"] }),
      pkg("interp-1-1", { files: ["/usr/bin/interp"] }),
      pkg("data-1-1"),
    ];
    const r = repo("r", packages, {
      findFileProviders: async (paths) => {
        asked.push([...paths]);
        return new Map(paths.map((p) => [p, p === "/usr/share/data/file.dat" ? [2] : []]));
      },
    });
    expect(await installed({ repos: [r], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "data-1-1.noarch",
      "interp-1-1.noarch",
    ]);
    expect(asked).toEqual([["/usr/share/data/file.dat"]]);
  });

  it("reports a file nothing provides", async () => {
    const r = repo("r", [pkg("app-1-1", { requires: ["/usr/bin/missing"] })]);
    expect(await problemsOf(solve({ repos: [r], install: ["app"] }))).toEqual([
      ["conflicting requests", "nothing provides /usr/bin/missing needed by app-1-1.noarch"],
    ]);
  });
});

describe("weak dependencies", () => {
  const packages = [
    pkg("app-1-1", { recommends: ["docs", "absent"], requires: ["core"] }),
    pkg("core-1-1"),
    pkg("docs-1-1", { recommends: ["viewer"] }),
    pkg("viewer-1-1"),
    pkg("app-lang-1-1", { supplements: ["app"] }),
    pkg("helper-1-1", { supplements: ["core"], conflicts: ["docs"] }),
    pkg("unrelated-1-1", { supplements: ["nothing-here"] }),
  ];

  it("installs Recommends (transitively) and Supplements by default", async () => {
    const tx = await solve({ repos: [repo("r", packages)], install: ["app"], excludes: ["helper"] });
    expect(tx.install.map(nevraOf)).toEqual([
      "app-1-1.noarch",
      "app-lang-1-1.noarch",
      "core-1-1.noarch",
      "docs-1-1.noarch",
      "viewer-1-1.noarch",
    ]);
    const reasons = Object.fromEntries([...tx.reasons].map(([p, why]) => [p.name, why]));
    expect(reasons).toEqual({ app: "request", core: "dependency", docs: "weak", viewer: "weak", "app-lang": "weak" });
  });

  it("installs supplementing packages first and skips recommendations that conflict with them", async () => {
    expect(await installed({ repos: [repo("r", packages)], install: ["app"] })).toEqual([
      "app-1-1.noarch",
      "app-lang-1-1.noarch",
      "core-1-1.noarch",
      "helper-1-1.noarch",
    ]);
  });

  it("installs only hard dependencies with weakDeps off", async () => {
    expect(await installed({ repos: [repo("r", packages)], install: ["app"], weakDeps: false })).toEqual([
      "app-1-1.noarch",
      "core-1-1.noarch",
    ]);
  });

  it("lets recommendations steer a choice even with weakDeps off", async () => {
    const r = repo("r", [
      pkg("app-1-1", { requires: ["backend"], recommends: ["zzz"] }),
      pkg("aaa-1-1", { provides: ["backend"] }),
      pkg("zzz-1-1", { provides: ["backend"] }),
    ]);
    expect(await installed({ repos: [r], install: ["app"], weakDeps: false })).toEqual([
      "app-1-1.noarch",
      "zzz-1-1.noarch",
    ]);
  });
});

describe("arch policy, repositories, excludes", () => {
  const multi = [
    pkg("lib-1-1.x86_64"),
    pkg("lib-1-1.i686"),
    pkg("only32-1-1.i686"),
    pkg("tool-1-1.aarch64"),
    pkg("data-1-1.noarch"),
  ];

  it("installs the machine arch and noarch only (multilib off)", async () => {
    expect(await installed({ repos: [repo("r", multi)], install: ["lib", "data"] })).toEqual([
      "data-1-1.noarch",
      "lib-1-1.x86_64",
    ]);
    const err = await solve({ repos: [repo("r", multi)], install: ["only32"] }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("SOLVE_NO_MATCH");
  });

  it("follows the arch option", async () => {
    expect(await installed({ repos: [repo("r", multi)], install: ["tool"], arch: "aarch64" })).toEqual([
      "tool-1-1.aarch64",
    ]);
  });

  it("prefers the repository with the better priority over a higher version", async () => {
    const low = repo("low", [pkg("tool-1-1")], { priority: 10 });
    const high = repo("high", [pkg("tool-2-1")], { priority: 50 });
    expect(await installed({ repos: [low, high], install: ["tool"] })).toEqual(["tool-1-1.noarch"]);
    expect(
      await installed({ repos: [repo("a", [pkg("tool-1-1")]), repo("b", [pkg("tool-2-1")])], install: ["tool"] }),
    ).toEqual(["tool-2-1.noarch"]);
  });

  it("takes equal versions from the cheaper repository", async () => {
    const expensive = repo("expensive", [pkg("tool-1-1")], { cost: 2000 });
    const cheapPkg = pkg("tool-1-1");
    const cheap = repo("cheap", [cheapPkg], { cost: 500 });
    const tx = await solve({ repos: [expensive, cheap], install: ["tool"] });
    expect(tx.install).toEqual([cheapPkg]);
  });

  it("hides excluded packages", async () => {
    const r = repo("r", [pkg("tool-1-1"), pkg("tool-2-1"), pkg("app-1-1", { requires: ["tool"] })]);
    expect(await installed({ repos: [r], install: ["app"], excludes: ["tool-2*"] })).toEqual([
      "app-1-1.noarch",
      "tool-1-1.noarch",
    ]);
    const hidden = repo("r", r.packages, { excluded: (i) => i === 0 });
    expect(await installed({ repos: [hidden], install: ["app"] })).toEqual(["app-1-1.noarch", "tool-2-1.noarch"]);
  });

  it("gives back the caller's package objects", async () => {
    const a: SolverPackage = pkg("a-1-1");
    const tx = await solve({ repos: [repo("r", [a])], install: ["a"] });
    expect(tx.install[0]).toBe(a);
  });
});
