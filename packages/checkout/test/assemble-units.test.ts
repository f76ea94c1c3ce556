/**
 * The small pieces of the assemble orchestration: install order, package diffs, request records,
 * repository snapshots and the task limit.
 */
import type { SolverPackage } from "@grove/repo";
import { RpmSense } from "@grove/rpm";
import { describe, expect, it } from "vitest";
import { sameSnapshots } from "../src/assemble/grove-repos.js";
import { installOrder } from "../src/assemble/install-order.js";
import { readRootRequest } from "../src/assemble/root-request.js";
import { diffPackages, nameOfNevra } from "../src/assemble/root-result.js";
import { TaskLimit } from "../src/assemble/task-limit.js";
import type { GenerationState } from "../src/generations/generation-state.js";

function pkg(name: string, requires: (string | [string, number])[] = [], provides: string[] = []): SolverPackage {
  return {
    name,
    arch: "noarch",
    epoch: 0,
    version: "1",
    release: "1",
    dependencies: {
      requires: requires.map((r) =>
        typeof r === "string" ? { name: r, flags: 0, evr: "" } : { name: r[0], flags: r[1], evr: "" },
      ),
      provides: provides.map((p) => ({ name: p, flags: 0, evr: "" })),
    },
    files: provides.filter((p) => p.startsWith("/")),
  };
}

describe("installOrder", () => {
  it("puts what a package requires first, by name among equals", () => {
    const order = installOrder([
      pkg("app", ["libfoo.so.1", "/bin/sh"]),
      pkg("zlib"),
      pkg("foo", ["zlib"], ["libfoo.so.1"]),
      pkg("bash", [], ["/bin/sh"]),
    ]);
    expect(order.map((p) => p.name)).toEqual(["bash", "zlib", "foo", "app"]);
  });

  it("breaks cycles by name and ignores rpmlib(), rich and erase-only requirements", () => {
    const order = installOrder([
      pkg("b", ["a"]),
      pkg("a", ["b", "rpmlib(CompressedFileNames)", "(c or d)", ["c", RpmSense.SCRIPT_POSTUN]]),
      pkg("c"),
    ]);
    expect(order.map((p) => p.name)).toEqual(["c", "a", "b"]);
  });

  it("is deterministic whatever the input order", () => {
    const set = [pkg("x", ["y"]), pkg("y"), pkg("w", ["x"]), pkg("v")];
    const a = installOrder(set).map((p) => p.name);
    const b = installOrder([...set].reverse()).map((p) => p.name);
    expect(a).toEqual(["v", "y", "x", "w"]);
    expect(b).toEqual(a);
  });
});

describe("package diffs", () => {
  const line = (nevra: string) => ({ nevra, sha256: "0".repeat(64), commitId: "1".repeat(64) });

  it("reads the name out of a NEVRA", () => {
    expect(nameOfNevra("libssl3-3.0.22-1~deb12u2.1.x86_64")).toBe("libssl3");
    expect(nameOfNevra("libaudit1-1:3.0.9-1.x86_64")).toBe("libaudit1");
    expect(nameOfNevra("gcc-12-base-12.2.0-14+deb12u1.x86_64")).toBe("gcc-12-base");
  });

  it("reports upgrades, additions and removals by name", () => {
    const before = [line("a-1-1.noarch"), line("b-1-1.noarch"), line("gone-1-1.noarch")];
    const after = [line("a-1-1.noarch"), line("b-2-1.noarch"), line("new-1-1.noarch")];
    expect(diffPackages(before, after)).toEqual({
      upgraded: [{ name: "b", from: "b-1-1.noarch", to: "b-2-1.noarch" }],
      added: ["new-1-1.noarch"],
      removed: ["gone-1-1.noarch"],
    });
    expect(diffPackages(undefined, after)).toEqual({ upgraded: [], added: [], removed: [] });
  });
});

describe("root requests", () => {
  const state = (request: unknown) => ({ name: "web", request }) as unknown as GenerationState;

  it("reads what assemble recorded, with defaults for older records", () => {
    expect(readRootRequest(state({ packages: ["apache2"], weakDeps: false, repoConfig: "ab" }), "f")).toEqual({
      packages: ["apache2"],
      weakDeps: false,
      repoConfig: "ab",
    });
    expect(readRootRequest(state({ packages: ["x"] }), "f")).toEqual({
      packages: ["x"],
      weakDeps: true,
      repoConfig: "",
    });
  });

  it("refuses a record without a package request", () => {
    for (const bad of [null, {}, { packages: [] }, { packages: [1] }, "apache2"]) {
      expect(() => readRootRequest(state(bad), "state/roots/web/1.json")).toThrow(
        expect.objectContaining({
          code: "CHECKOUT_BAD_STATE",
          message: expect.stringContaining("state/roots/web/1.json"),
        }),
      );
    }
  });
});

describe("repository snapshots", () => {
  it("compare ids, revisions and URLs, in any order", () => {
    const a = { id: "a", repomdChecksum: "sha256:1", url: "file:///a/" };
    const b = { id: "b", repomdChecksum: "sha256:2" };
    expect(sameSnapshots([a, b], [b, a])).toBe(true);
    expect(sameSnapshots([a, b], [a])).toBe(false);
    expect(sameSnapshots([a], [{ ...a, repomdChecksum: "sha256:3" }])).toBe(false);
    expect(sameSnapshots([a], [{ ...a, url: "http://x/" }])).toBe(false);
  });
});

describe("TaskLimit", () => {
  it("never runs more tasks at once than its limit, and runs them all", async () => {
    const limit = new TaskLimit(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          running--;
          return i;
        }),
      ),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(2);
  });

  it("frees the slot of a task that fails", async () => {
    const limit = new TaskLimit(1);
    await expect(limit.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limit.run(async () => "next")).toBe("next");
    expect(() => new TaskLimit(0)).toThrow(RangeError);
  });
});
