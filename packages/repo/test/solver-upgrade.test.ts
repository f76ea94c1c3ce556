/**
 * The solver with an installed system: installed packages stay unless replaced, `upgrade` takes the best
 * versions of installed names, installs that need newer libraries upgrade them, obsoletes replace installed
 * packages, and broken situations are explained.
 */
import { describe, expect, it } from "vitest";
import { nevraOf, SolveError, solve } from "../src/solver/index.js";
import { pkg, repo, summary } from "./solver-fixtures.js";

describe("installed packages", () => {
  const system = [pkg("lib-1-1"), pkg("app-1-1", { requires: ["lib = 1"] }), pkg("tool-1-1")];
  const available = repo("r", [
    pkg("lib-1-1"),
    pkg("lib-2-1"),
    pkg("app-1-1", { requires: ["lib = 1"] }),
    pkg("app-2-1", { requires: ["lib = 2"] }),
    pkg("tool-1-1"),
    pkg("tool-3-1"),
    pkg("new-1-1", { requires: ["lib >= 2"] }),
    pkg("plain-1-1", { requires: ["tool"] }),
  ]);

  it("keeps installed packages and installs only what is new", async () => {
    const tx = await solve({ repos: [available], installed: system, install: ["plain"] });
    expect(summary(tx)).toEqual({ install: ["plain-1-1.noarch"], upgrade: [], obsoleted: [], remove: [] });
    expect(tx.result.map(nevraOf)).toEqual(["app-1-1.noarch", "lib-1-1.noarch", "plain-1-1.noarch", "tool-1-1.noarch"]);
  });

  it("does nothing for a request that is already installed in its best version", async () => {
    const tx = await solve({ repos: [available], installed: system, install: ["app-1-1"] });
    expect(summary(tx)).toEqual({ install: [], upgrade: [], obsoleted: [], remove: [] });
  });

  it("upgrades what a new package needs, and what depends on that", async () => {
    const tx = await solve({ repos: [available], installed: system, install: ["new"] });
    expect(summary(tx)).toEqual({
      install: ["new-1-1.noarch"],
      upgrade: ["app-1-1.noarch -> app-2-1.noarch", "lib-1-1.noarch -> lib-2-1.noarch"],
      obsoleted: [],
      remove: [],
    });
  });

  it("upgrades everything with upgrade: true", async () => {
    const tx = await solve({ repos: [available], installed: system, upgrade: true });
    expect(summary(tx).upgrade).toEqual([
      "app-1-1.noarch -> app-2-1.noarch",
      "lib-1-1.noarch -> lib-2-1.noarch",
      "tool-1-1.noarch -> tool-3-1.noarch",
    ]);
  });

  it("upgrades only the named packages (and what they need)", async () => {
    const tx = await solve({ repos: [available], installed: system, upgrade: ["tool"] });
    expect(summary(tx).upgrade).toEqual(["tool-1-1.noarch -> tool-3-1.noarch"]);
  });

  it("installing a named newer version upgrades", async () => {
    const tx = await solve({ repos: [available], installed: system, install: ["tool"] });
    expect(summary(tx).upgrade).toEqual(["tool-1-1.noarch -> tool-3-1.noarch"]);
  });

  it("replaces an installed package by the package obsoleting it", async () => {
    const r = repo("r", [pkg("old-1-1"), pkg("new-2-1", { obsoletes: ["old < 2"], provides: ["old = 2-1"] })]);
    const tx = await solve({ repos: [r], installed: [pkg("old-1-1")], upgrade: true });
    expect(summary(tx)).toEqual({
      install: ["new-2-1.noarch"],
      upgrade: [],
      obsoleted: ["old-1-1.noarch by new-2-1.noarch"],
      remove: [],
    });
  });

  it("does not enforce dependencies that were already broken", async () => {
    const broken = [pkg("app-1-1", { requires: ["gone"] })];
    const tx = await solve({ repos: [repo("r", [pkg("other-1-1")])], installed: broken, install: ["other"] });
    expect(summary(tx).install).toEqual(["other-1-1.noarch"]);
  });

  it("refuses to remove an installed package to make room", async () => {
    const r = repo("r", [pkg("rival-1-1", { conflicts: ["tool"] })]);
    const err = await solve({ repos: [r], installed: system, install: ["rival"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolveError);
    expect((err as SolveError).problems[0]?.rules).toContain(
      "package rival-1-1.noarch conflicts with tool provided by tool-1-1.noarch",
    );
  });

  it("explains an upgrade that would break an installed package", async () => {
    const r = repo("r", [pkg("lib-2-1"), pkg("app-1-1", { requires: ["lib = 1"] })]);
    const err = await solve({ repos: [r], installed: system.slice(0, 2), upgrade: ["lib"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SolveError);
    expect((err as SolveError).problems[0]?.rules).toContain(
      "cannot install the best update candidate for package lib-1-1.noarch",
    );
  });
});

describe("choice rules and downgrades", () => {
  // libsolv >= 0.7.25 behaviour; dnf 4.14 with libsolv 0.7.23 downgrades c9 instead (docs/packages/repo.md,
  // "Differences from dnf"), so this case is pinned here rather than in the dnf oracle tests.
  it("does not prefer a downgrade whose best update no longer provides the capability", async () => {
    const installed = [pkg("a-1-1", { provides: ["cap"] }), pkg("c9-3-1"), pkg("c3-1-1", { requires: ["cap"] })];
    const available = repo("r", [
      pkg("a-1-1", { provides: ["cap"] }),
      pkg("a-2-1", { requires: ["cap"] }),
      pkg("c9-1-1", { provides: ["cap"] }),
      pkg("c9-3-1"),
      pkg("c6-2-1", { provides: ["cap"] }),
    ]);
    const tx = await solve({ repos: [available], installed, install: ["a"] });
    expect(summary(tx)).toEqual({
      install: ["c6-2-1.noarch"],
      upgrade: ["a-1-1.noarch -> a-2-1.noarch"],
      obsoleted: [],
      remove: [],
    });
    expect(tx.downgrade).toEqual([]);
  });
});
