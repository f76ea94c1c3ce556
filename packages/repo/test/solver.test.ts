/**
 * Unit tests of the solver on synthetic pools: requests, providers, versions, priorities, conflicts,
 * obsoletes, file dependencies, arch policy and failure explanations.
 */
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import { SolveError, solve } from "../src/solver/index.js";
import { installed, pkg, repo } from "./solver-fixtures.js";

describe("solve: requests", () => {
  it("installs a package and its requirements, nothing else", async () => {
    const r = repo("r", [
      pkg("a-1-1.noarch", { requires: ["b", "libc.so.6()(64bit)"] }),
      pkg("b-1-1.noarch"),
      pkg("glibc-2.34-1.x86_64", { provides: ["libc.so.6()(64bit)"] }),
      pkg("unrelated-1-1.noarch"),
    ]);
    expect(await installed({ repos: [r], install: ["a"] })).toEqual([
      "a-1-1.noarch",
      "b-1-1.noarch",
      "glibc-2.34-1.x86_64",
    ]);
  });

  it("takes the highest version of a requested name", async () => {
    const r = repo("r", [pkg("a-1.0-1.noarch"), pkg("a-1.10-1.noarch"), pkg("a-1.9-5.noarch")]);
    expect(await installed({ repos: [r], install: ["a"] })).toEqual(["a-1.10-1.noarch"]);
  });

  it("understands name-version, name-version-release, name.arch, epochs and NEVRAs", async () => {
    const r = repo("r", [
      pkg("a-1.0-1.noarch"),
      pkg("a-2.0-1.noarch"),
      pkg("a-2.0-2.noarch"),
      pkg("b-1:1.0-1.x86_64"),
      pkg("b-2.0-1.x86_64"),
    ]);
    expect(await installed({ repos: [r], install: ["a-1.0"] })).toEqual(["a-1.0-1.noarch"]);
    expect(await installed({ repos: [r], install: ["a-2.0-1"] })).toEqual(["a-2.0-1.noarch"]);
    expect(await installed({ repos: [r], install: ["a-2.0-1.noarch"] })).toEqual(["a-2.0-1.noarch"]);
    expect(await installed({ repos: [r], install: ["a.noarch"] })).toEqual(["a-2.0-2.noarch"]);
    expect(await installed({ repos: [r], install: ["b"] })).toEqual(["b-1:1.0-1.x86_64"]);
    expect(await installed({ repos: [r], install: ["b-2.0"] })).toEqual(["b-2.0-1.x86_64"]);
    expect(await installed({ repos: [r], install: ["b-1:1.0-1.x86_64"] })).toEqual(["b-1:1.0-1.x86_64"]);
  });

  it("resolves a provide and a file path", async () => {
    const r = repo("r", [
      pkg("httpd-2.4-1.x86_64", { provides: ["webserver"], files: ["/usr/sbin/httpd"] }),
      pkg("python3-3.9-1.x86_64", { files: ["/usr/bin/python3"] }),
    ]);
    expect(await installed({ repos: [r], install: ["webserver"] })).toEqual(["httpd-2.4-1.x86_64"]);
    expect(await installed({ repos: [r], install: ["/usr/bin/python3"] })).toEqual(["python3-3.9-1.x86_64"]);
  });

  it("fails with SOLVE_NO_MATCH for a spec nothing matches", async () => {
    const r = repo("r", [pkg("a-1-1.noarch")]);
    const err = await solve({ repos: [r], install: ["nope"] }).catch((e: unknown) => e);
    expect(isGroveError(err) && err.code).toBe("SOLVE_NO_MATCH");
  });
});

describe("solve: failures", () => {
  it("explains a missing dependency like dnf", async () => {
    const r = repo("r", [pkg("a-1-1.noarch", { requires: ["missing >= 2"] })]);
    const err = await solve({ repos: [r], install: ["a"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolveError);
    const problems = (err as SolveError).problems;
    expect(problems).toEqual([
      { rules: ["conflicting requests", "nothing provides missing >= 2 needed by a-1-1.noarch"] },
    ]);
    expect((err as SolveError).code).toBe("SOLVE_UNSATISFIABLE");
  });
});
