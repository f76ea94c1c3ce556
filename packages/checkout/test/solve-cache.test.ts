/**
 * `assemble` keeps the solution of a request in `cache/solve/`: the same request against the same repository
 * state reuses it (while the store holds every package), new metadata makes a new solve, a solution whose
 * packages left the store is solved again and downloaded, and gc drops solutions of packages it removed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { assemble, collectGarbage, initGroveDir, openGroveDir, removeRoot } from "@grove/checkout";
import { addRepo } from "@grove/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`solve-cache.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`solve-cache.test.ts skipped: ${skip}`);

describe.skipIf(skip !== undefined)("the solve cache", () => {
  let work = "";
  let dir = "";
  let repo = "";

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-solve-cache-"));
    repo = path.join(work, "repo");
    buildTinyRepo(
      repo,
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
      ],
      work,
    );
    dir = path.join(work, "grove");
    await initGroveDir(dir);
    await addRepo(dir, "tiny", pathToFileURL(repo).href);
  }, 120_000);
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  const solveDir = () => path.join(dir, "cache", "solve");
  const cached = () => readdirSync(solveDir()).filter((n) => n.endsWith(".json"));

  it("reuses the solution of the same request against the same metadata", async () => {
    const first = await assemble(dir, "one", ["app"], { weakDeps: false });
    expect(first.packages).toEqual(["base-1-1.noarch", "app-1-1.noarch"]);
    expect(cached()).toHaveLength(1);
    const file = path.join(solveDir(), cached()[0]!);
    const entry = JSON.parse(readFileSync(file, "utf8")) as { packages: { nevra: string }[] };
    expect(entry.packages.map((p) => p.nevra)).toEqual(first.packages);

    // Proof of reuse: a solution edited to leave base out gives a root without it.
    entry.packages = entry.packages.filter((p) => p.nevra !== "base-1-1.noarch");
    writeFileSync(file, JSON.stringify(entry));
    const second = await assemble(dir, "two", ["app"], { weakDeps: false });
    expect(second.packages).toEqual(["app-1-1.noarch"]);
    // Another request is another key.
    const third = await assemble(dir, "three", ["base"], { weakDeps: false });
    expect(third.packages).toEqual(["base-1-1.noarch"]);
    expect(cached()).toHaveLength(2);
    rmSync(file);
  });

  it("solves again when the repository has new metadata", async () => {
    buildTinyRepo(
      repo,
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
        { name: "app", version: "2", requires: ["base"] },
      ],
      work,
    );
    const result = await assemble(dir, "four", ["app"], { weakDeps: false, network: { refresh: true } });
    expect(result.packages).toEqual(["base-1-1.noarch", "app-2-1.noarch"]);
    // base-1 is downloaded again too when the rebuild did not reproduce it byte for byte (a new sha256).
    expect(result.downloaded).toContain("app-2-1.noarch");
  });

  it("solves again and downloads when a cached solution's packages left the store; gc drops such solutions", async () => {
    const saved = new Map(cached().map((name) => [name, readFileSync(path.join(solveDir(), name))]));
    const store = await openGroveDir(dir);
    for (const name of ["one", "two", "three", "four"]) await removeRoot(store, name);
    const gc = await collectGarbage(dir, { packageGraceMs: 0 });
    expect(gc.packageRefsRemoved).toBeGreaterThan(0);
    expect(gc.caches.solutions).toBe(saved.size);
    expect(cached()).toEqual([]);

    // The solutions back, their packages gone: the solver runs, to know where to download from.
    for (const [name, bytes] of saved) writeFileSync(path.join(solveDir(), name), bytes);
    const again = await assemble(dir, "five", ["app"], { weakDeps: false });
    expect(again.packages).toEqual(["base-1-1.noarch", "app-2-1.noarch"]);
    expect(again.downloaded).toEqual(["base-1-1.noarch", "app-2-1.noarch"]);
  });
});
