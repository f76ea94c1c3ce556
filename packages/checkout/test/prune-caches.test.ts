/**
 * `collectGarbage` prunes the caches after the store's gc: a cached rpmdb and a checkout recipe stay while the
 * store still holds every package of their set and go with them; a symlink-pool entry stays while a root
 * hard-links it.
 */
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { assemble, collectGarbage, initGroveDir, openGroveDir, removeRoot } from "@grove/checkout";
import { addRepo } from "@grove/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`prune-caches.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`prune-caches.test.ts skipped: ${skip}`);

describe.skipIf(skip !== undefined)("gc prunes the caches", () => {
  let work = "";
  let dir = "";

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-prune-"));
    buildTinyRepo(
      path.join(work, "base"),
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
      ],
      work,
    );
    dir = path.join(work, "grove");
    await initGroveDir(dir);
    await addRepo(dir, "base", pathToFileURL(path.join(work, "base")).href);
  }, 120_000);
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  const rpmdbCache = () => {
    const cacheDir = path.join(dir, "cache", "rpmdb");
    return existsSync(cacheDir) ? readdirSync(cacheDir).filter((n) => n.endsWith(".rpmdb.gz")) : [];
  };

  const recipes = () => {
    const cacheDir = path.join(dir, "cache", "checkouts");
    return existsSync(cacheDir) ? readdirSync(cacheDir) : [];
  };

  it("keeps a removed root's rpmdb and checkout recipe while its packages are stored, and drops them with them", async () => {
    await assemble(dir, "web", ["app"], { weakDeps: false });
    await removeRoot(await openGroveDir(dir), "web");
    expect(rpmdbCache()).toHaveLength(1);
    expect(recipes()).toHaveLength(1);

    // A gc that keeps the packages (they are younger than the grace period) keeps the cached rpmdb and recipe.
    const kept = await collectGarbage(dir);
    expect(kept.packageRefsRemoved).toBe(0);
    expect(kept.caches).toMatchObject({ rpmdbs: 0, recipes: 0 });
    expect(rpmdbCache()).toHaveLength(1);
    expect(recipes()).toHaveLength(1);

    // No root uses the packages and no grace: they go, and the rpmdb and recipe of their set with them.
    const dropped = await collectGarbage(dir, { packageGraceMs: 0 });
    expect(dropped.packageRefsRemoved).toBe(2);
    expect(dropped.caches).toMatchObject({ rpmdbs: 1, recipes: 1 });
    expect(rpmdbCache()).toEqual([]);
    expect(recipes()).toEqual([]);
  });

  it("removes pool symlinks no root links and keeps the others", async () => {
    const pool = path.join(dir, "cache", "symlinks");
    mkdirSync(pool, { recursive: true });
    const used = path.join(pool, "a".repeat(64));
    const unused = path.join(pool, "b".repeat(64));
    symlinkSync("../lib/used", used);
    symlinkSync("../lib/unused", unused);
    const rootDir = path.join(work, "a-root");
    mkdirSync(rootDir);
    linkSync(used, path.join(rootDir, "link"));

    const result = await collectGarbage(dir);
    expect(result.caches.symlinks).toBe(1);
    expect(readdirSync(pool)).toEqual(["a".repeat(64)]);
  });
});
