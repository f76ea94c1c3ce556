/**
 * `assemble` and `upgrade` through the library on tiny repositories built with rpmbuild + createrepo_c:
 * downloads only what the store lacks, generations, the `/etc` merge on upgrade, the no-op upgrade that
 * touches nothing, the up-to-date note, the rpmdb carrying rpm's signature tags, and the errors.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  assemble,
  checkGroveDir,
  collectGarbage,
  type GroveProgress,
  initGroveDir,
  listRoots,
  openGroveDir,
  rollbackRoot,
  solvePackages,
  upgrade,
} from "@grove/checkout";
import { addRepo } from "@grove/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyDataContent, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`assemble-upgrade.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`assemble-upgrade.test.ts skipped: ${skip}`);

const isCode = (code: string) => expect.objectContaining({ code });

describe.skipIf(skip !== undefined)("assemble and upgrade", () => {
  let work = "";
  let dir = "";
  let updates = "";

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "grove-assemble-"));
    buildTinyRepo(
      path.join(work, "base"),
      [
        { name: "base", version: "1" },
        { name: "lib", version: "1", requires: ["base"] },
        { name: "app", version: "1", requires: ["lib >= 1"] },
        { name: "tool", version: "1", requires: ["base"] },
      ],
      work,
    );
    updates = buildTinyRepo(path.join(work, "updates"), [{ name: "lib", version: "2" }], work);
    dir = path.join(work, "grove");
  }, 120_000);
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  const data = (root: string, name: string) =>
    readFileSync(path.join(dir, "roots", root, "usr", "share", name, "data"), "utf8");

  it("refuses a directory that is not a grove directory, and one without repositories", async () => {
    await expect(assemble(dir, "web", ["app"])).rejects.toEqual(isCode("STORE_NOT_FOUND"));
    const init = await initGroveDir(dir);
    expect(init).toEqual({ dir, created: true });
    expect(await initGroveDir(dir)).toEqual({ dir, created: false });
    for (const sub of ["repos.d", "roots", "cache", "tmp", "state", "objects"]) {
      expect(statSync(path.join(dir, sub)).isDirectory()).toBe(true);
    }
    await expect(assemble(dir, "web", ["app"])).rejects.toEqual(isCode("CHECKOUT_NO_REPOS"));
    await addRepo(dir, "base", pathToFileURL(path.join(work, "base")).href);
  });

  it("refuses bad requests before touching anything", async () => {
    await expect(assemble(dir, "web.2", ["app"])).rejects.toEqual(isCode("CHECKOUT_BAD_ROOT_NAME"));
    await expect(assemble(dir, "web", [])).rejects.toEqual(isCode("CHECKOUT_NO_REQUEST"));
    await expect(assemble(dir, "web", ["no-such-package"])).rejects.toEqual(isCode("SOLVE_NO_MATCH"));
    expect(readdirSync(path.join(dir, "roots"))).toEqual([]);
  });

  it("solves without downloading", async () => {
    const solved = await solvePackages(dir, ["app"]);
    expect(solved.install).toEqual(["app-1-1.noarch", "base-1-1.noarch", "lib-1-1.noarch"]);
    // Install order: what a package requires comes first.
    expect(solved.packages.map((p) => p.name)).toEqual(["base", "lib", "app"]);
  });

  it("assembles a root: every package fetched once, reported in order", async () => {
    const events: GroveProgress[] = [];
    const web = await assemble(dir, "web", ["app"], { onProgress: (e) => events.push(e) });
    expect(web).toMatchObject({
      name: "web",
      generation: 1,
      previous: undefined,
      path: path.join(dir, "roots", "web.1"),
      link: path.join(dir, "roots", "web"),
      changed: true,
      packages: ["base-1-1.noarch", "lib-1-1.noarch", "app-1-1.noarch"],
      downloaded: ["base-1-1.noarch", "lib-1-1.noarch", "app-1-1.noarch"],
      upgraded: [],
    });
    // The failed solve above already parsed the metadata: this run read it from the cache.
    expect(events[0]).toEqual({ type: "metadata", repos: [{ id: "base", fromCache: true }] });
    expect(events.find((e) => e.type === "solved")).toMatchObject({ root: "web", packages: 3, toDownload: 3 });
    expect(events.filter((e) => e.type === "import")).toHaveLength(3);
    expect(events.at(-1)).toEqual({ type: "assemble", root: "web", phase: "activate" });
    expect(readlinkSync(path.join(dir, "roots", "web"))).toBe("web.1");
    expect(data("web", "lib")).toBe(tinyDataContent({ name: "lib", version: "1" }));
    const record = JSON.parse(readFileSync(path.join(dir, "state", "roots", "web", "1.json"), "utf8"));
    expect(record.request).toMatchObject({ packages: ["app"], weakDeps: true });
    expect(record.repos).toEqual([
      expect.objectContaining({ id: "base", repomdChecksum: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) }),
    ]);
  });

  it("assembles a second root from what the store has: nothing downloaded", async () => {
    const events: GroveProgress[] = [];
    const tools = await assemble(dir, "tools", ["tool"], { onProgress: (e) => events.push(e) });
    expect(tools.packages).toEqual(["base-1-1.noarch", "tool-1-1.noarch"]);
    expect(tools.downloaded).toEqual(["tool-1-1.noarch"]);
    expect(events[0]).toEqual({ type: "metadata", repos: [{ id: "base", fromCache: true }] });
  });

  it("writes an rpmdb whose headers carry the packages' signature tags", () => {
    const rpmFiles = readdirSync(path.join(work, "base", "Packages")).map((f) =>
      path.join(work, "base", "Packages", f),
    );
    const query = ["--qf", "%{NEVRA} %{SHA256HEADER} %{SIGMD5}\\n"];
    const fromFiles = spawnSync("rpm", ["-qp", ...query, ...rpmFiles], { encoding: "utf8" }).stdout;
    const fromRoot = spawnSync(
      "rpm",
      ["--root", path.join(dir, "roots", "web"), "--dbpath", "/usr/lib/sysimage/rpm", "-qa", ...query],
      { encoding: "utf8" },
    ).stdout;
    const lines = (text: string) => text.trim().split("\n").sort();
    expect(lines(fromRoot)).toHaveLength(3);
    expect(lines(fromRoot).every((l) => lines(fromFiles).includes(l))).toBe(true);
    expect(lines(fromRoot)[0]).not.toMatch(/\(none\)/);
  });

  it("upgrades only the root that contains the update, keeping the user's /etc changes", async () => {
    writeFileSync(path.join(dir, "roots", "web", "etc", "lib.conf"), "setting=mine\n");
    writeFileSync(path.join(dir, "roots", "web", "etc", "added-by-me"), "hello\n");
    await addRepo(dir, "updates", pathToFileURL(updates).href);
    const results = await upgrade(dir);
    expect(results.map((r) => [r.name, r.generation, r.changed])).toEqual([
      ["tools", 1, false],
      ["web", 2, true],
    ]);
    const web = results[1]!;
    expect(web.downloaded).toEqual(["lib-2-1.noarch"]);
    expect(web.upgraded).toEqual([{ name: "lib", from: "lib-1-1.noarch", to: "lib-2-1.noarch" }]);
    expect(readlinkSync(path.join(dir, "roots", "web"))).toBe("web.2");
    expect(data("web", "lib")).toBe(tinyDataContent({ name: "lib", version: "2" }));
    // %config(noreplace) changed by the user: kept, the new default beside it.
    expect(readFileSync(path.join(dir, "roots", "web", "etc", "lib.conf"), "utf8")).toBe("setting=mine\n");
    expect(readFileSync(path.join(dir, "roots", "web", "etc", "lib.conf.rpmnew"), "utf8")).toBe("setting=2\n");
    expect(readFileSync(path.join(dir, "roots", "web", "etc", "added-by-me"), "utf8")).toBe("hello\n");
    // tools has no lib: it was re-solved, found unchanged, and noted as such.
    expect(existsSync(path.join(dir, "cache", "upgrade", "tools.json"))).toBe(true);
    expect(readdirSync(path.join(dir, "state", "roots", "tools")).filter((f) => /^\d+\.json$/.test(f))).toEqual([
      "1.json",
    ]);
  });

  it("finds everything up to date the next time, without writing anything", async () => {
    const before = snapshot(path.join(dir, "state"));
    const events: GroveProgress[] = [];
    const results = await upgrade(dir, undefined, { onProgress: (e) => events.push(e) });
    expect(results.map((r) => [r.name, r.generation, r.changed, r.downloaded])).toEqual([
      ["tools", 1, false, []],
      ["web", 2, false, []],
    ]);
    expect(events.map((e) => e.type)).toEqual(["metadata", "up-to-date", "up-to-date"]);
    expect(snapshot(path.join(dir, "state"))).toEqual(before);
  });

  it("upgrades only the roots named, and refuses unknown ones", async () => {
    expect((await upgrade(dir, ["web"])).map((r) => r.name)).toEqual(["web"]);
    await expect(upgrade(dir, ["nope"])).rejects.toEqual(isCode("CHECKOUT_ROOT_NOT_FOUND"));
  });

  it("rolls back, then upgrades again from the rolled-back generation", async () => {
    const store = await openGroveDir(dir);
    expect(await rollbackRoot(store, "web")).toMatchObject({ from: 2, to: 1 });
    expect(data("web", "lib")).toBe(tinyDataContent({ name: "lib", version: "1" }));
    const [again] = await upgrade(dir, ["web"]);
    expect(again).toMatchObject({ generation: 3, previous: 1, changed: true, downloaded: [] });
    expect(data("web", "lib")).toBe(tinyDataContent({ name: "lib", version: "2" }));
  });

  it("collects old generations and unreferenced packages, and the directory checks out clean", async () => {
    const result = await collectGarbage(dir, { keep: 1, packageGraceMs: 0 });
    expect(result.pruned.find((p) => p.name === "web")).toMatchObject({ kept: [3], removed: [1, 2] });
    // lib-1-1 is in no remaining generation: its ref goes, then its commit (and 2 root commits).
    expect(result.packageRefsRemoved).toBe(1);
    expect(result.gc.commitsRemoved).toBe(3);
    expect((await solvePackages(dir, ["lib"])).install).toEqual(["lib-2-1.noarch"]);
    const store = await openGroveDir(dir);
    expect(listRoots(store).map((r) => [r.name, r.generations.map((g) => g.generation)])).toEqual([
      ["tools", [1]],
      ["web", [3]],
    ]);
    const check = await checkGroveDir(dir);
    expect(check.ok).toBe(true);
    expect(check.roots).toEqual([]);
  });
});

/** Paths, sizes and mtimes under `dir`. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = path.join(rel, entry.name);
      const info = statSync(path.join(dir, relPath));
      out.push(`${relPath} ${info.size} ${info.mtimeMs}`);
      if (entry.isDirectory()) walk(relPath);
    }
  };
  walk("");
  return out.sort();
}
