/**
 * The bundled CLI's V8 code cache (`src/code-cache.ts`): where it lives, when V8 takes it, when a run writes it,
 * and that a missing, damaged or unwritable cache only costs the compile; then the same through the CLI.
 */

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import {
  makeUserDir,
  runGroveUnprivileged,
  unprivilegedUnavailable,
} from "../../../test/helpers/unprivileged-grove.js";
import { codeCacheDir, runCachedScript } from "../src/code-cache.js";
import { repoRoot, runCli } from "./run-cli.js";

const work = mkdtempSync(path.join(tmpdir(), "grove-code-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes a CommonJS script ending, as a bundle does, in its content hash; returns its path. */
function writeBundle(name: string, body: string): string {
  const file = path.join(work, name);
  writeFileSync(file, `${body}\n// grove-bundle-sha256: ${createHash("sha256").update(`${body}\n`).digest("hex")}\n`);
  return file;
}

/** What {@link runIn} reports. */
interface Loaded {
  cache: string;
  cacheFile: string | null;
  sum: number;
}

/**
 * Runs `file` with `runCachedScript` in a new Node (V8 keeps what it compiled in memory, so a second compile in
 * the same process would never read the cache), then `saveCache()` when `save`.
 */
function runIn(file: string, dir: string, label: string, save = false): Loaded {
  const module = pathToFileURL(path.join(repoRoot, "packages/cli/dist/code-cache.js")).href;
  const script = `import { runCachedScript } from ${JSON.stringify(module)};
const run = runCachedScript(${JSON.stringify(file)}, { dir: ${JSON.stringify(dir)}, label: ${JSON.stringify(label)} });
if (${save}) run.saveCache();
console.log(JSON.stringify({ cache: run.cache, cacheFile: run.cacheFile ?? null, sum: run.exports.sum() }));`;
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(child.stderr).toBe("");
  return JSON.parse(child.stdout) as Loaded;
}

/** A script with a few functions, some run when it loads, exporting one. */
const BODY = `function square(x) { return x * x; }
const table = [1, 2, 3].map(square);
exports.sum = () => table.reduce((a, b) => a + b, 0);
exports.where = __filename;`;

describe("codeCacheDir", () => {
  it("is $GROVE_CODE_CACHE, else grove/v8 under $XDG_CACHE_HOME or ~/.cache, and none when off", () => {
    expect(codeCacheDir({ GROVE_CODE_CACHE: "/srv/cc", HOME: "/home/u" })).toBe("/srv/cc");
    expect(codeCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache/grove/v8");
    expect(codeCacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache/grove/v8");
    expect(codeCacheDir({ GROVE_CODE_CACHE: "off", HOME: "/home/u" })).toBeUndefined();
    expect(codeCacheDir({ GROVE_CODE_CACHE: "0", HOME: "/home/u" })).toBeUndefined();
    expect(codeCacheDir({})).toBeUndefined();
  });
});

describe("runCachedScript", () => {
  it("compiles without a cache, writes one when asked, and V8 takes it on the next run", () => {
    const file = writeBundle("a.cjs", BODY);
    const dir = path.join(work, "cache-a");
    const first = runCachedScript<{ sum(): number; where: string }>(file, { dir, label: "assemble" });
    expect(first.exports.sum()).toBe(14);
    expect(first.exports.where).toBe(file);
    expect(first.cache).toBe("absent");
    expect(existsSync(dir)).toBe(false);
    first.saveCache();
    expect(readdirSync(dir)).toEqual([path.basename(first.cacheFile!)]);
    expect(path.basename(first.cacheFile!)).toMatch(
      new RegExp(`^[0-9a-f]{16}-\\d+-\\d+-v8-.+-${process.arch}-assemble\\.bin$`),
    );
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    const second = runIn(file, dir, "assemble", true);
    expect(second).toEqual({ cache: "accepted", cacheFile: first.cacheFile, sum: 14 });
    // Accepted: saveCache wrote nothing.
    expect(readdirSync(dir)).toEqual([path.basename(first.cacheFile!)]);
    // Each label has its own cache.
    expect(runIn(file, dir, "upgrade").cache).toBe("absent");
  });

  it("takes a damaged cache for none (V8 rejects it) and replaces it", () => {
    const file = writeBundle("b.cjs", BODY);
    const dir = path.join(work, "cache-b");
    const first = runIn(file, dir, "x", true);
    expect(first.cache).toBe("absent");
    writeFileSync(first.cacheFile!, Buffer.alloc(4096, 7));
    expect(runIn(file, dir, "x", true)).toEqual({ ...first, cache: "rejected" });
    expect(runIn(file, dir, "x").cache).toBe("accepted");
  });

  it("uses only a cache file this user owns and nobody else can write", () => {
    const file = writeBundle("f.cjs", BODY);
    const dir = path.join(work, "cache-f");
    const first = runIn(file, dir, "x", true);
    expect(statSync(first.cacheFile!).mode & 0o777).toBe(0o600);
    chmodSync(first.cacheFile!, 0o666);
    // Not used, and replaced by the run that finds it so.
    expect(runIn(file, dir, "x", true).cache).toBe("absent");
    expect(statSync(first.cacheFile!).mode & 0o777).toBe(0o600);
    expect(runIn(file, dir, "x").cache).toBe("accepted");
    if (process.getuid?.() === 0) {
      chownSync(first.cacheFile!, 65534, 65534);
      expect(runIn(file, dir, "x").cache).toBe("absent");
    }
  });

  it("gives an edited script another cache, even at the same length and hash line", () => {
    const file = writeBundle("c.cjs", BODY);
    const dir = path.join(work, "cache-c");
    const first = runIn(file, dir, "x", true);
    // Same length, same last line, other code: only the file's time tells, and it is part of the name.
    writeFileSync(file, readFileSync(file, "utf8").replace("x * x", "x + x"));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const edited = runIn(file, dir, "x");
    expect(edited.cacheFile).not.toBe(first.cacheFile);
    expect(edited).toMatchObject({ cache: "absent", sum: 12 });
  });

  it("keeps no cache for a script without its hash line, or without a directory", () => {
    const plain = path.join(work, "plain.cjs");
    writeFileSync(plain, BODY);
    const run = runCachedScript<{ sum(): number }>(plain, { dir: path.join(work, "cache-d"), label: "x" });
    expect(run.cache).toBe("off");
    expect(run.cacheFile).toBeUndefined();
    run.saveCache();
    expect(existsSync(path.join(work, "cache-d"))).toBe(false);
    const none = runCachedScript(writeBundle("d.cjs", BODY), { dir: undefined, label: "x" });
    expect(none.cache).toBe("off");
  });

  it("runs when the cache directory cannot be written, and prunes other bundles' old caches when it can", () => {
    const file = writeBundle("e.cjs", BODY);
    const blocked = path.join(work, "blocked");
    writeFileSync(blocked, "a file where the directory would be");
    const run = runCachedScript(file, { dir: path.join(blocked, "v8"), label: "x" });
    expect(() => run.saveCache()).not.toThrow();

    const dir = path.join(work, "cache-e");
    mkdirSync(dir);
    const old = path.join(dir, "0000000000000000-1-1-v8-old-x64-x.bin");
    const recent = path.join(dir, "1111111111111111-1-1-v8-old-x64-x.bin");
    writeFileSync(old, "old");
    writeFileSync(recent, "recent");
    const longAgo = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    utimesSync(old, longAgo, longAgo);
    const fresh = runCachedScript(file, { dir, label: "x" });
    fresh.saveCache();
    expect(readdirSync(dir).sort()).toEqual([path.basename(fresh.cacheFile!), path.basename(recent)].sort());
  });
});

describe("the CLI's code cache", () => {
  it("a successful command writes its cache once; a damaged one is replaced; GROVE_CODE_CACHE=off keeps none", () => {
    const dir = path.join(work, "cli-cache");
    const version = () => runCli(["--version"], { GROVE_CODE_CACHE: dir });
    expect(version().status).toBe(0);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/-none\.bin$/);
    const cacheFile = path.join(dir, file!);
    const written = statSync(cacheFile).mtimeMs;
    // Accepted on the next run: not written again.
    expect(version().stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(statSync(cacheFile).mtimeMs).toBe(written);

    writeFileSync(cacheFile, "not a code cache");
    const run = version();
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(statSync(cacheFile).size).toBeGreaterThan(1000);

    // A failing command writes none.
    const failed = runCli(["no-such-command"], { GROVE_CODE_CACHE: dir });
    expect(failed.status).toBe(2);
    expect(readdirSync(dir)).toEqual([file]);

    const off = path.join(work, "cli-off");
    expect(runCli(["--version"], { GROVE_CODE_CACHE: "off", XDG_CACHE_HOME: off }).status).toBe(0);
    expect(existsSync(off)).toBe(false);
  });
});

const tiny = tinyRepoUnavailable();
if (tiny !== undefined && process.env.CI) throw new Error(`code-cache.test.ts cannot run: ${tiny}`);
if (tiny !== undefined) console.warn(`code-cache.test.ts assemble test skipped: ${tiny}`);

describe.skipIf(tiny !== undefined)("the CLI's code cache across cold and warm assembles", () => {
  it("is not made by a run that imports; a run that only builds an rpmdb makes one the next warm run takes", () => {
    const repo = buildTinyRepo(
      path.join(work, "tiny"),
      [
        { name: "base", version: "1" },
        { name: "app", version: "1", requires: ["base"] },
      ],
      work,
    );
    const env = { GROVE_STORE: path.join(work, "tiny-store"), GROVE_CODE_CACHE: path.join(work, "tiny-cache") };
    const assembleCaches = () => readdirSync(env.GROVE_CODE_CACHE).filter((f) => f.endsWith("-assemble.bin"));
    for (const args of [["init"], ["repo", "add", "tiny", repo], ["assemble", "cold", "app"]]) {
      const run = runCli(args, env);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
    }
    // The cold run downloaded and imported: it made no cache (V8 had dropped the bytecode of its first functions).
    expect(assembleCaches()).toEqual([]);

    // A new package set from the store: no download, but an rpmdb built with sql.js, which changes V8 flags.
    const built = runCli(["assemble", "base-only", "base"], env);
    expect(built.stdout).toContain("base-only: generation 1");
    const [file] = assembleCaches();
    expect(file).toBeDefined();
    const made = statSync(path.join(env.GROVE_CODE_CACHE, file!)).mtimeMs;

    const warm = runCli(["assemble", "warm", "base"], env);
    expect(warm.stdout).toContain("warm: generation 1");
    // Not rewritten: V8 took it (a rejected cache is replaced at exit).
    expect(assembleCaches()).toEqual([file]);
    expect(statSync(path.join(env.GROVE_CODE_CACHE, file!)).mtimeMs).toBe(made);
  }, 120_000);
});

const unprivileged = unprivilegedUnavailable();
if (unprivileged !== undefined && process.env.CI) throw new Error(`code-cache.test.ts cannot run: ${unprivileged}`);
if (unprivileged !== undefined) console.warn(`code-cache.test.ts unprivileged test skipped: ${unprivileged}`);

describe.skipIf(unprivileged !== undefined)("the CLI's code cache, as an unprivileged user", () => {
  it("lives under that user's ~/.cache/grove/v8, private to it, and is written once", async () => {
    chmodSync(work, 0o755); // searchable by that user
    const home = makeUserDir(path.join(work, "home"));
    const first = await runGroveUnprivileged(["--version"], { HOME: home });
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    const dir = path.join(home, ".cache/grove/v8");
    const [file] = readdirSync(dir);
    const stat = statSync(path.join(dir, file!));
    expect(stat.mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect(stat.uid).toBe(65534);
    const second = await runGroveUnprivileged(["--version"], { HOME: home });
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(path.join(dir, file!)).mtimeMs).toBe(stat.mtimeMs);
  });
});
