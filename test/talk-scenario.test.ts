/**
 * The scenario of the talk grove comes from ("Containerizing the distribution", DevConf.cz 2016), end to end
 * through the `grove` CLI as an unprivileged user, on the realistic corpus (RPMs built from Debian's binaries):
 *
 * 1. assemble `web` from apache2: everything is downloaded;
 * 2. assemble `db` from postgresql-15: only the set difference is downloaded;
 *    and `shell` from bash: nothing is downloaded (the store has it all);
 * 3. add an update repository with rebuilt libssl3 and openssl; `grove upgrade` downloads exactly those two,
 *    builds new generations of the roots containing them (web, db) and only those, and the new files are
 *    visible through `roots/web`;
 * 4. a second `grove upgrade` says every root is up to date and downloads nothing;
 * 5. `grove rollback web` brings the old files back.
 *
 * The repositories are served over loopback HTTP by this process, which logs every request: "downloaded" is
 * checked against what really went over the wire. The corpus is built with `bench/corpus` (Debian's apt,
 * dpkg-deb, rpmbuild and createrepo_c; cache in `$GROVE_CORPUS_CACHE`, else `bench/cache/`; cold, that takes a
 * few minutes).
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, buildUpdate, type CorpusManifest } from "../bench/corpus/corpus-builder.js";
import { corpusCacheDir } from "./helpers/corpus-set.js";
import { type StaticHttp, serveStatic } from "./helpers/static-http.js";
import {
  type GroveRun,
  makeUserDir,
  runGroveUnprivileged,
  runningAsRoot,
  UNPRIVILEGED_ID,
  unprivilegedUnavailable,
} from "./helpers/unprivileged-grove.js";

const cacheDir = corpusCacheDir;
const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missingTools = ["apt-get", "dpkg-deb", "rpmbuild", "createrepo_c", "rpm"].filter((t) => !haveTool(t));
const skipReason = missingTools.length > 0 ? `${missingTools.join(", ")} not installed` : unprivilegedUnavailable();
if (skipReason !== undefined && process.env.CI) throw new Error(`the talk scenario test cannot run: ${skipReason}`);
if (skipReason !== undefined) console.warn(`skipping the talk scenario test: ${skipReason}`);

const LONG = 30 * 60 * 1000;
const CHANGED_DOC = "/usr/share/doc/libssl3/changelog.Debian.gz";

/** A root's result as `grove assemble/upgrade --json` prints it. */
interface RootJson {
  name: string;
  generation: number;
  path: string;
  changed: boolean;
  packages: string[];
  downloaded: string[];
  upgraded: { name: string; from: string; to: string }[];
  elapsedMs: number;
}

describe.skipIf(skipReason !== undefined)("the talk's scenario, as an unprivileged user", () => {
  let work = "";
  let http: StaticHttp;
  let grove = "";
  let home = "";
  const corpora: Record<string, CorpusManifest> = {};
  const timings: string[] = [];

  const run = async (label: string, ...args: string[]): Promise<GroveRun> => {
    const result = await runGroveUnprivileged(["--store", grove, ...args], { HOME: home });
    timings.push(`${label}: ${result.ms} ms`);
    lastStderr = result.stderr;
    if (result.stderr.includes("retrying")) console.log(`grove ${args.join(" ")}:\n${result.stderr}`);
    if (result.status !== 0) throw new Error(`grove ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
    return result;
  };
  const runJson = async (label: string, ...args: string[]): Promise<RootJson[]> => {
    const result = await run(label, ...args, "--json");
    return JSON.parse(result.stdout) as RootJson[];
  };
  let lastStderr = "";
  /**
   * The .rpm files requested from the server since `mark`, by file name, each once. A file requested twice
   * must be a download grove retried and said so on standard error (`retrying NEVRA`); anything else fails.
   */
  const rpmRequestsSince = (mark: number): string[] => {
    const files = http.log
      .slice(mark)
      .filter((p) => p.endsWith(".rpm"))
      .map((p) => path.posix.basename(p))
      .sort();
    const unique = [...new Set(files)];
    const retried = files.filter((f, i) => files.indexOf(f) !== i);
    for (const file of retried) expect(lastStderr).toContain(`retrying ${file.replace(/\.rpm$/, "")}`);
    return unique;
  };
  const rpmFileOf = (nevra: string): string => `${nevra.replace(/-\d+:/, "-")}.rpm`;
  const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");
  /** The sha256 rpm records for `file` in package `rpm` (FILEDIGESTS; the corpus uses sha256). */
  const digestInPackage = (rpm: string, file: string): string => {
    const out = spawnSync("rpm", ["-qp", "--qf", "[%{FILENAMES} %{FILEDIGESTS}\\n]", rpm], { encoding: "utf8" });
    const line = out.stdout.split("\n").find((l) => l.startsWith(`${file} `));
    if (line === undefined) throw new Error(`${rpm} has no ${file}`);
    return line.slice(file.length + 1);
  };
  const packageFile = (outDir: string, manifest: CorpusManifest, name: string): string => {
    const pkg = manifest.packages.find((p) => p.name === name);
    if (pkg === undefined) throw new Error(`no ${name} in ${outDir}`);
    return path.join(outDir, "Packages", pkg.rpmFile[0] ?? "", pkg.rpmFile);
  };

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-talk-"));
    chmodSync(work, 0o755);
    for (const [dir, packages] of [
      ["apache2", ["apache2"]],
      ["postgresql-15", ["postgresql-15"]],
    ] as const) {
      corpora[dir] = (await buildCorpus({ outDir: path.join(work, dir), packages: [...packages], cacheDir })).manifest;
    }
    corpora.updates = (
      await buildUpdate({ outDir: path.join(work, "updates"), packages: ["libssl3", "openssl"], cacheDir })
    ).manifest;
    http = await serveStatic({
      apache2: path.join(work, "apache2"),
      postgresql: path.join(work, "postgresql-15"),
      updates: path.join(work, "updates"),
    });
    home = makeUserDir(path.join(work, "home"));
    grove = path.join(makeUserDir(path.join(work, "user")), "grove");
  }, LONG);

  afterAll(async () => {
    await http?.close();
    if (timings.length > 0) console.log(`grove timings (unprivileged, loopback HTTP):\n  ${timings.join("\n  ")}`);
    if (http !== undefined && http.aborted.length > 0)
      console.log(`responses abandoned by the client: ${http.aborted.join(" ")}`);
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  let web: RootJson;
  let db: RootJson;

  it("initialises a grove directory and adds the repositories", async () => {
    await run("init", "init");
    await run("repo add", "repo", "add", "apache2", `${http.origin}/apache2/`);
    await run("repo add", "repo", "add", "postgresql", `${http.origin}/postgresql/`);
    const list = await run("repo list", "repo", "list", "--json");
    expect((JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id)).toEqual(["apache2", "postgresql"]);
    expect(statSync(grove).uid).toBe(runningAsRoot ? UNPRIVILEGED_ID : process.getuid?.());
  });

  it(
    "assembles web from apache2, downloading every package once",
    async () => {
      const mark = http.log.length;
      const results = await runJson("assemble web (cold)", "assemble", "web", "apache2", "--no-weak-deps");
      expect(results).toHaveLength(1);
      web = results[0] as RootJson;
      expect(web).toMatchObject({
        name: "web",
        generation: 1,
        changed: true,
        path: path.join(grove, "roots", "web.1"),
      });
      expect(web.packages).toContain("apache2-2.4.71-1~deb12u1.x86_64");
      expect([...web.downloaded].sort()).toEqual([...web.packages].sort());
      expect(rpmRequestsSince(mark)).toEqual(web.downloaded.map(rpmFileOf).sort());
      expect(readlinkSync(path.join(grove, "roots", "web"))).toBe("web.1");
      // Built without privileges: the tree and its files belong to the unprivileged user.
      const binary = path.join(grove, "roots", "web", "usr", "sbin", "apache2");
      expect(statSync(binary).uid).toBe(runningAsRoot ? UNPRIVILEGED_ID : process.getuid?.());
      expect(statSync(binary).nlink).toBeGreaterThan(1); // a hard link into the store
    },
    LONG,
  );

  it(
    "assembles db from postgresql-15, downloading exactly what web did not have",
    async () => {
      const mark = http.log.length;
      const results = await runJson("assemble db (warm store)", "assemble", "db", "postgresql-15", "--no-weak-deps");
      db = results[0] as RootJson;
      expect(db).toMatchObject({ name: "db", generation: 1, changed: true });
      const difference = db.packages.filter((nevra) => !web.packages.includes(nevra));
      expect(difference.length).toBeGreaterThan(0);
      expect(difference.length).toBeLessThan(db.packages.length);
      expect([...db.downloaded].sort()).toEqual([...difference].sort());
      expect(rpmRequestsSince(mark)).toEqual(difference.map(rpmFileOf).sort());
      expect(db.packages).toEqual(expect.arrayContaining(["openssl-3.0.22-1~deb12u2.x86_64"]));
      expect(web.packages.some((p) => p.startsWith("openssl-"))).toBe(false);
    },
    LONG,
  );

  it("assembles a third root from packages the store already has, downloading nothing", async () => {
    const mark = http.log.length;
    const result = await run("assemble shell (all in store)", "assemble", "shell", "bash", "--no-weak-deps");
    const [solvedLine, doneLine] = result.stdout.split("\n");
    expect(solvedLine).toMatch(/^shell: \d+ packages, 0 to download$/);
    expect(doneLine).toMatch(/^shell: generation 1 at .*roots\/shell\.1 \(\d+ packages, 0 downloaded, /);
    expect(rpmRequestsSince(mark)).toEqual([]);
  });

  it(
    "upgrades only the roots containing libssl3 or openssl, downloading exactly the two rebuilt packages",
    async () => {
      const oldDoc = digestInPackage(packageFile(path.join(work, "apache2"), corpora.apache2!, "libssl3"), CHANGED_DOC);
      const newRpm = packageFile(path.join(work, "updates"), corpora.updates!, "libssl3");
      const newDoc = digestInPackage(newRpm, CHANGED_DOC);
      expect(newDoc).not.toBe(oldDoc);
      expect(sha256(path.join(grove, "roots", "web", CHANGED_DOC))).toBe(oldDoc);

      await run("repo add", "repo", "add", "updates", `${http.origin}/updates/`);
      const mark = http.log.length;
      const results = await runJson("upgrade (2 packages new)", "upgrade");
      const byName = new Map(results.map((r) => [r.name, r]));
      expect([...byName.keys()]).toEqual(["db", "shell", "web"]);

      const updated = ["libssl3-3.0.22-1~deb12u2.1.x86_64", "openssl-3.0.22-1~deb12u2.1.x86_64"];
      const downloaded = results.flatMap((r) => r.downloaded).sort();
      expect(downloaded).toEqual(updated);
      expect(rpmRequestsSince(mark)).toEqual(updated.map(rpmFileOf));

      expect(byName.get("web")).toMatchObject({
        generation: 2,
        changed: true,
        upgraded: [{ name: "libssl3", from: "libssl3-3.0.22-1~deb12u2.x86_64", to: updated[0] }],
      });
      expect(byName.get("db")).toMatchObject({ generation: 2, changed: true });
      expect(
        byName
          .get("db")
          ?.upgraded.map((u) => u.to)
          .sort(),
      ).toEqual(updated);
      expect(byName.get("shell")).toMatchObject({ generation: 1, changed: false, downloaded: [] });
      expect(
        readdirSync(path.join(grove, "roots"))
          .filter((n) => n.startsWith("shell"))
          .sort(),
      ).toEqual(["shell", "shell.1"]);

      expect(readlinkSync(path.join(grove, "roots", "web"))).toBe("web.2");
      expect(sha256(path.join(grove, "roots", "web", CHANGED_DOC))).toBe(newDoc);
      const rpmq = spawnSync(
        "rpm",
        ["--root", path.join(grove, "roots", "web"), "--dbpath", "/usr/lib/sysimage/rpm", "-q", "libssl3"],
        {
          encoding: "utf8",
        },
      );
      expect(rpmq.stdout.trim()).toBe(updated[0]);
    },
    LONG,
  );

  it("says every root is up to date on a second upgrade, and downloads and changes nothing", async () => {
    const stateBefore = listTree(path.join(grove, "state"));
    const rootsBefore = readdirSync(path.join(grove, "roots")).sort();
    const mark = http.log.length;
    const result = await run("upgrade (no-op)", "upgrade");
    expect(result.stdout).toBe("db: up to date\nshell: up to date\nweb: up to date\n");
    expect(rpmRequestsSince(mark)).toEqual([]);
    expect(http.log.slice(mark).every((p) => p.endsWith("/repodata/repomd.xml"))).toBe(true);
    expect(listTree(path.join(grove, "state"))).toEqual(stateBefore);
    expect(readdirSync(path.join(grove, "roots")).sort()).toEqual(rootsBefore);
  });

  it("rolls web back: the old files are back through roots/web", async () => {
    const result = await run("rollback", "rollback", "web");
    expect(result.stdout).toBe("web: generation 1 is current again (was 2)\n");
    expect(readlinkSync(path.join(grove, "roots", "web"))).toBe("web.1");
    const oldDoc = digestInPackage(packageFile(path.join(work, "apache2"), corpora.apache2!, "libssl3"), CHANGED_DOC);
    expect(sha256(path.join(grove, "roots", "web", CHANGED_DOC))).toBe(oldDoc);
    expect(readlinkSync(path.join(grove, "roots", "db"))).toBe("db.2");
  });

  it(
    "lists the roots and finds the store intact",
    async () => {
      const list = JSON.parse((await run("list", "list", "--json")).stdout) as {
        name: string;
        current: number;
        generations: { generation: number; packages: number }[];
      }[];
      expect(list.map((r) => [r.name, r.current, r.generations.map((g) => g.generation)])).toEqual([
        ["db", 2, [1, 2]],
        ["shell", 1, [1]],
        ["web", 1, [1, 2]],
      ]);
      const fsck = JSON.parse((await run("fsck", "fsck", "--json")).stdout) as { ok: boolean };
      expect(fsck.ok).toBe(true);
    },
    LONG,
  );
});

/** Every path under `dir` with its size and mtime, to show nothing was written. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
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
