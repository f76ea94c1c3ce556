/**
 * The store commands as a subprocess on a tiny repository (rpmbuild + createrepo_c): init, repo, solve,
 * assemble, upgrade, rollback, list, rm, gc and fsck, their text and JSON output, and their errors.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { type CliRun, runCli } from "./run-cli.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`grove-commands.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`grove-commands.test.ts skipped: ${skip}`);

describe.skipIf(skip !== undefined)("grove store commands", () => {
  let work = "";
  let store = "";
  let base = "";
  let updates = "";

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "grove-cli-"));
    base = buildTinyRepo(
      path.join(work, "base"),
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
      ],
      work,
    );
    updates = buildTinyRepo(path.join(work, "updates"), [{ name: "base", version: "1", release: "2" }], work);
    store = path.join(work, "grove");
  }, 120_000);
  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  /** Runs grove with GROVE_STORE pointing at the test's grove directory. */
  const grove = (...args: string[]): CliRun => runCli(args, { GROVE_STORE: store });
  const ok = (...args: string[]): string => {
    const run = grove(...args);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return run.stdout;
  };

  it("fails with a hint to run grove init when there is no grove directory", () => {
    const run = grove("list");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`grove: ${store} is not a grove directory`);
    expect(run.stderr).toContain("hint: create it with `grove init");
  });

  it("init creates the grove directory once", () => {
    expect(ok("init")).toBe(`created ${store}\n`);
    expect(JSON.parse(ok("init", "--json"))).toEqual({ dir: store, created: false });
    expect(readdirSync(store).sort()).toEqual(
      expect.arrayContaining(["cache", "repos.d", "roots", "state", "store.json", "tmp"]),
    );
  });

  it("repo add, list and rm manage repos.d", () => {
    expect(ok("repo", "add", "base", base)).toBe(`added base: file://${base}\n`);
    expect(ok("repo", "add", "extra", "http://127.0.0.1:9/nothing/", "--priority", "10")).toContain("added extra");
    expect(ok("repo", "list")).toBe(`base\tenabled\tfile://${base}\nextra\tenabled\thttp://127.0.0.1:9/nothing/\n`);
    const listed = JSON.parse(ok("repo", "list", "--json")) as { id: string; priority: number }[];
    expect(listed.map((r) => [r.id, r.priority])).toEqual([
      ["base", 99],
      ["extra", 10],
    ]);
    expect(readFileSync(path.join(store, "repos.d", "extra.repo"), "utf8")).toContain("priority=10");
    expect(ok("repo", "rm", "extra")).toBe("removed extra\n");
    const again = grove("repo", "rm", "extra");
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('no repository "extra"');
    expect(grove("repo", "add", "base", base).stderr).toContain('repository "base" already exists');
  });

  it("solve prints the package set as NEVRAs", () => {
    expect(ok("solve", "app")).toBe("app-1-1.noarch\nbase-1-1.noarch\n");
    expect(ok("solve", "app", "--json")).toBe('{"install":["app-1-1.noarch","base-1-1.noarch"]}\n');
    const missing = grove("solve", "nothing-like-this", "--json");
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe("");
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: "SOLVE_NO_MATCH" } });
  });

  it("assemble prints progress lines, then the new generation", () => {
    const out = ok("assemble", "web", "app");
    const lines = out.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^web: 2 packages, 2 to download \(\d+(\.\d)? kB\)$/);
    expect(lines[1]).toMatch(
      new RegExp(`^web: generation 1 at ${store}/roots/web\\.1 \\(2 packages, 2 downloaded, \\d+(\\.\\d)? m?s\\)$`),
    );
    expect(lines).toHaveLength(2);
  });

  it("assemble --json prints a one-element array and nothing else", () => {
    const out = ok("assemble", "db", "base", "--json", "--no-weak-deps");
    const parsed = JSON.parse(out) as Record<string, unknown>[];
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      name: "db",
      generation: 1,
      path: path.join(store, "roots", "db.1"),
      packages: ["base-1-1.noarch"],
      downloaded: [],
      upgraded: [],
    });
    expect(Object.keys(parsed[0] ?? {})).toEqual(
      expect.arrayContaining(["name", "generation", "path", "packages", "downloaded", "upgraded", "elapsedMs"]),
    );
    const record = JSON.parse(readFileSync(path.join(store, "state", "roots", "db", "1.json"), "utf8"));
    expect(record.request).toMatchObject({ packages: ["base"], weakDeps: false });
  });

  it("upgrade says up to date, then upgrades when an update appears", () => {
    expect(ok("upgrade")).toBe("db: up to date\nweb: up to date\n");
    ok("repo", "add", "updates", updates);
    const results = JSON.parse(ok("upgrade", "--json")) as { name: string; generation: number; downloaded: string[] }[];
    expect(results.map((r) => [r.name, r.generation, r.downloaded])).toEqual([
      ["db", 2, ["base-1-2.noarch"]],
      ["web", 2, []],
    ]);
    expect(ok("upgrade", "web")).toBe("web: up to date\n");
    const unknown = grove("upgrade", "nope");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("there is no root named nope");
  });

  it("rollback goes back one generation, and says when there is none", () => {
    expect(ok("rollback", "web")).toBe("web: generation 1 is current again (was 2)\n");
    const none = grove("rollback", "web", "--json");
    expect(none.status).toBe(1);
    expect(JSON.parse(none.stderr)).toMatchObject({ error: { code: "CHECKOUT_NO_PREVIOUS_GENERATION" } });
    expect(JSON.parse(ok("rollback", "web", "--to", "2", "--json"))).toMatchObject({ name: "web", from: 1, to: 2 });
  });

  it("list shows roots, generations, package counts and sizes", () => {
    const text = ok("list");
    expect(text.split("\n")[0]).toMatch(/^ROOT\s+GENERATION\s+PACKAGES\s+SIZE\s+CREATED$/);
    expect(text).toMatch(/\nweb\s+2 \*\s+2\s+\d+ B\s+\d{4}-/);
    const roots = JSON.parse(ok("list", "--json")) as {
      name: string;
      current: number;
      generations: { generation: number; packages: number; bytes: number; current: boolean }[];
    }[];
    expect(
      roots.map((r) => [r.name, r.current, r.generations.map((g) => [g.generation, g.packages, g.current])]),
    ).toEqual([
      [
        "db",
        2,
        [
          [1, 1, false],
          [2, 1, true],
        ],
      ],
      [
        "web",
        2,
        [
          [1, 2, false],
          [2, 2, true],
        ],
      ],
    ]);
    expect(roots[0]?.generations[0]?.bytes).toBeGreaterThan(0);
  });

  it("fsck finds the store intact, then names an object modified through a root", () => {
    expect(ok("fsck")).toMatch(/^checked \d+ objects .*\nno problems found\n$/);
    const linked = path.join(store, "roots", "web", "usr", "share", "app", "data");
    expect(statSync(linked).nlink).toBeGreaterThan(1);
    appendFileSync(linked, "changed in place\n");
    const damaged = grove("fsck");
    expect(damaged.status).toBe(1);
    expect(damaged.stdout).toMatch(/\nobject-corrupt objects\/[0-9a-f]{2}\/[0-9a-f]{64}\.0644: /);
    expect(damaged.stderr).toContain("problem");
    const json = grove("fsck", "--json");
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, store: { problems: [{ kind: "object-corrupt" }] } });
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: "CLI_FSCK_PROBLEMS" } });
  });

  it("rm removes a root and gc frees what only it used", () => {
    expect(ok("rm", "web")).toBe("web: removed (generations 1, 2)\n");
    expect(readdirSync(path.join(store, "roots")).sort()).toEqual(["db", "db.1", "db.2"]);
    // Just imported: within the grace period, the packages stay.
    const recent = JSON.parse(ok("gc", "--json", "--keep", "1")) as {
      pruned: { name: string; removed: number[] }[];
      packageRefsRemoved: number;
    };
    expect(recent.pruned).toEqual([{ name: "db", kept: [2], removed: [1] }]);
    expect(recent.packageRefsRemoved).toBe(0);
    const result = JSON.parse(ok("gc", "--json", "--keep", "1", "--package-grace", "0")) as {
      packageRefsRemoved: number;
      gc: { commitsRemoved: number; objectsRemoved: number };
    };
    // app-1-1 and base-1-1 (db now has base-1-2): their commits, and app's damaged data object, go.
    expect(result.packageRefsRemoved).toBe(2);
    expect(result.gc.commitsRemoved).toBe(2);
    expect(result.gc.objectsRemoved).toBeGreaterThan(0);
    expect(ok("gc")).toMatch(/^store: removed 0 commits and 0 objects \(0 B freed\); kept \d+ commits/);
    expect(ok("fsck")).toContain("no problems found");
    expect(ok("solve", "app")).toBe("app-1-1.noarch\nbase-1-2.noarch\n");
  });

  it("lists every command in --help", () => {
    const help = ok("--help");
    for (const command of [
      "init",
      "repo",
      "solve",
      "assemble",
      "upgrade",
      "rollback",
      "list",
      "rm",
      "gc",
      "fsck",
      "inspect",
    ]) {
      expect(help).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
  });
});
