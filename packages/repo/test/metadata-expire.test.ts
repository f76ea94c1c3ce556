/**
 * `metadata_expire` like dnf's: the key in `.repo` files, and loads that make no request while the cached
 * metadata has not expired, ask the server once it has (or always with `0`, or on `refresh`), never with
 * `never` or `offline`; the check time is repomd.xml's mtime, rewritten atomically after every check.
 */
import { readdirSync, readFileSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DEFAULT_METADATA_EXPIRE,
  type LoadRepoOptions,
  loadRepo,
  loadRepos,
  makeRepoConfig,
  parseMetadataExpire,
  parseRepoFile,
  type RepoConfig,
  serializeRepoFile,
} from "../src/index.js";
import { tempDir, writeTestRepo } from "./helpers.js";
import { TestServer } from "./http-server.js";

const fast = { retries: 0, retryDelayMs: 10, timeoutMs: 2000 };
const HOUR_MS = 3_600_000;

/** primary.xml with one package `p<n>-<n>-1.noarch`. */
function primary(n: number): string {
  return `<?xml version="1.0"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm"><name>p${n}</name><arch>noarch</arch><version epoch="0" ver="${n}" rel="1"/>
<checksum type="sha256" pkgid="YES">${String(n).repeat(64).slice(0, 64)}</checksum><location href="p.rpm"/></package>
</metadata>`;
}

describe("metadata_expire in .repo files", () => {
  const parse = (value: string): RepoConfig | undefined =>
    parseRepoFile(`[r]\nbaseurl=http://x/\nmetadata_expire=${value}\n`, "t.repo")[0];

  it("takes seconds, or a number with s/m/h/d; -1 and never for never; 0 for always", () => {
    const cases: Array<[string, number]> = [
      ["0", 0],
      ["90", 90],
      ["90s", 90],
      ["15m", 900],
      ["6h", 21_600],
      ["1.5h", 5400],
      ["7d", 604_800],
      ["2D", 172_800],
      [" 30 m ", 1800],
      [".5m", 30],
      ["-1", -1],
      ["never", -1],
      ["Never", -1],
    ];
    for (const [text, seconds] of cases) expect([text, parse(text)?.metadataExpire]).toEqual([text, seconds]);
    expect(parseRepoFile("[r]\nbaseurl=http://x/\n", "t.repo")[0]?.metadataExpire).toBeUndefined();
    expect(DEFAULT_METADATA_EXPIRE).toBe(48 * 3600);
  });

  it("a bad value is REPO_CONFIG_INVALID naming the file, line, repository and key", () => {
    for (const bad of ["", "soon", "-5", "-0.5", "5w", "1e3", "1h30m", "0x10", "1.2.3"]) {
      expect(() => parse(bad), bad).toThrow(
        expect.objectContaining({
          code: "REPO_CONFIG_INVALID",
          message: expect.stringMatching(/^t\.repo:1: \[r\] metadata_expire: ".*" is not a valid time/),
        }),
      );
    }
    expect(() => parseMetadataExpire("9".repeat(400), "here")).toThrow(/^here: "9+" is not a valid time/);
  });

  it("round-trips through serializeRepoFile (never as `never`, units as seconds)", () => {
    const configs = [
      makeRepoConfig("a", { baseurl: ["http://a/"], metadataExpire: -1 }),
      makeRepoConfig("b", { baseurl: ["http://b/"], metadataExpire: 604_800 }),
      makeRepoConfig("c", { baseurl: ["http://c/"], metadataExpire: 0 }),
      makeRepoConfig("d", { baseurl: ["http://d/"] }),
    ];
    const text = serializeRepoFile(configs);
    expect(text).toContain("[a]\nname=a\nbaseurl=http://a/\nenabled=1\ngpgcheck=0\nmetadata_expire=never\n");
    expect(text).toContain("metadata_expire=604800\n");
    expect(text).toContain("metadata_expire=0\n");
    expect(text.match(/metadata_expire/g)).toHaveLength(3);
    expect(parseRepoFile(text, "round.repo")).toEqual(configs);
  });
});

describe("loading with metadata_expire", () => {
  let server: TestServer;
  let site: { dir: string; cleanup: () => void };
  let cache: { dir: string; cleanup: () => void };
  let config: RepoConfig;

  beforeEach(async () => {
    site = tempDir();
    writeTestRepo(site.dir, [{ type: "primary", content: primary(1) }]);
    server = new TestServer(site.dir);
    await server.start();
    cache = tempDir();
    config = makeRepoConfig("web", { baseurl: [server.url] });
  });
  afterEach(async () => {
    await server.stop();
    site.cleanup();
    cache.cleanup();
  });

  const load = (options: LoadRepoOptions = {}, repo: RepoConfig = config) =>
    loadRepo(repo, { ...fast, cacheDir: cache.dir, ...options });
  const repoCache = (): string => {
    const [name] = readdirSync(path.join(cache.dir, "repos"));
    return path.join(cache.dir, "repos", name as string);
  };
  const checkTime = (): number => statSync(path.join(repoCache(), "repomd.xml")).mtimeMs;
  /** Pretend the last successful check was `ms` milliseconds ago. */
  const checkedAgo = (ms: number): void => {
    const when = new Date(Date.now() - ms);
    utimesSync(path.join(repoCache(), "repomd.xml"), when, when);
  };
  const requests = (): string[] => server.requests.splice(0);
  const nevra = async (options: LoadRepoOptions = {}, repo: RepoConfig = config) =>
    (await load(options, repo)).package(0).nevra;

  it("within the default expiry, a second load makes no request at all and parses nothing", async () => {
    const first = await load();
    expect(first.fromCache).toBe(false);
    expect(requests()).toEqual(["/repodata/repomd.xml", expect.stringMatching(/-primary\.xml\.gz$/)]);
    checkedAgo(47 * HOUR_MS);
    for (let i = 0; i < 3; i++) {
      const again = await load();
      expect(again.fromCache).toBe(true);
      expect(again.package(0)).toEqual(first.package(0));
      expect(again.repomdChecksum).toBe(first.repomdChecksum);
      expect(again.baseUrls).toEqual([server.url]);
    }
    expect(requests()).toEqual([]);
  });

  it("once expired, asks for repomd.xml again (only), and the check time starts again", async () => {
    await load();
    requests();
    checkedAgo(49 * HOUR_MS);
    const before = checkTime();
    const again = await load();
    expect(again.fromCache).toBe(true);
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
    // Unchanged content, but a new check time: the next load makes no request.
    expect(checkTime()).toBeGreaterThan(before + 48 * HOUR_MS);
    await load();
    expect(requests()).toEqual([]);
    // Every file was written whole: no temporary file is left behind.
    expect(readdirSync(repoCache()).filter((name) => name.includes(".tmp-"))).toEqual([]);
  });

  it("a small metadata_expire expires soon; the definition's value wins over the loader's default", async () => {
    const short = { ...config, metadataExpire: parseMetadataExpire("1m", "test") };
    await load({}, short);
    requests();
    checkedAgo(30_000);
    await load({}, short);
    expect(requests()).toEqual([]);
    checkedAgo(61_000);
    await load({}, short);
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
    // options.metadataExpire applies to definitions without one...
    checkedAgo(61_000);
    await load({ metadataExpire: 3600 });
    expect(requests()).toEqual([]);
    await load({ metadataExpire: 60 });
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
    // ...and not to those with one.
    checkedAgo(61_000);
    await load({ metadataExpire: 3600 }, short);
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
  });

  it("a check time in the future (the clock was set back) counts as expired", async () => {
    await load();
    requests();
    checkedAgo(-2 * HOUR_MS);
    await load();
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
    await load();
    expect(requests()).toEqual([]);
  });

  it("metadata_expire=0 asks on every load; never (or -1) never asks", async () => {
    const always = { ...config, metadataExpire: 0 };
    for (let i = 0; i < 3; i++) await load({}, always);
    expect(requests().filter((p) => p.endsWith("repomd.xml"))).toHaveLength(3);
    const never = { ...config, metadataExpire: parseMetadataExpire("never", "test") };
    checkedAgo(10 * 365 * 24 * HOUR_MS);
    await load({}, never);
    await load({ metadataExpire: 0 }, never);
    expect(requests()).toEqual([]);
  });

  it("refresh asks even when unexpired, and a repository changed in place is seen only then", async () => {
    expect(await nevra()).toBe("p1-1-1.noarch");
    writeTestRepo(site.dir, [{ type: "primary", content: primary(2) }]);
    requests();
    expect(await nevra()).toBe("p1-1-1.noarch");
    expect(requests()).toEqual([]);
    const refreshed = await load({ refresh: true });
    expect(refreshed.fromCache).toBe(false);
    expect(refreshed.package(0).nevra).toBe("p2-2-1.noarch");
    expect(requests()).toEqual(["/repodata/repomd.xml", expect.stringMatching(/-primary\.xml\.gz$/)]);
    // The new revision is now the cached one, trusted without requests; the old one's files are gone.
    expect(await nevra()).toBe("p2-2-1.noarch");
    expect(requests()).toEqual([]);
    expect(readdirSync(repoCache()).filter((name) => name.endsWith(".bin"))).toEqual([
      `${refreshed.repomdChecksum}.primary.bin`,
    ]);
    // A refresh of an unchanged repository costs the one request and no parsing.
    const again = await load({ refresh: true });
    expect(again.fromCache).toBe(true);
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
  });

  it("once expired, a changed repository is seen without refresh", async () => {
    expect(await nevra()).toBe("p1-1-1.noarch");
    writeTestRepo(site.dir, [{ type: "primary", content: primary(3) }]);
    checkedAgo(49 * HOUR_MS);
    expect(await nevra()).toBe("p3-3-1.noarch");
  });

  it("offline never asks, even with refresh or when expired, and does not count as a check", async () => {
    await load();
    requests();
    checkedAgo(49 * HOUR_MS);
    const before = checkTime();
    const offline = await load({ offline: true, refresh: true });
    expect(offline.package(0).nevra).toBe("p1-1-1.noarch");
    expect(requests()).toEqual([]);
    expect(checkTime()).toBe(before);
    await load();
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
  });

  it("an unexpired repomd.xml whose parsed table is gone is checked with the server and parsed again", async () => {
    const first = await load();
    requests();
    rmSync(path.join(repoCache(), `${first.repomdChecksum}.primary.bin`));
    const again = await load();
    expect(again.fromCache).toBe(false);
    expect(again.package(0).nevra).toBe("p1-1-1.noarch");
    // primary.xml.gz itself is still in the cache (verified against repomd.xml), so it is not fetched again.
    expect(requests()).toEqual(["/repodata/repomd.xml"]);
  });

  it("a failed check of expired metadata fails the load and leaves the check time as it was", async () => {
    await load();
    requests();
    checkedAgo(49 * HOUR_MS);
    const before = checkTime();
    server.faults.set("repomd.xml", { kind: "status", status: 503, times: 1 });
    await expect(load()).rejects.toMatchObject({ code: "REPO_HTTP_STATUS" });
    expect(checkTime()).toBe(before);
    expect((await load()).package(0).nevra).toBe("p1-1-1.noarch");
    expect(requests()).toEqual(["/repodata/repomd.xml", "/repodata/repomd.xml"]);
  });

  it("concurrent refreshing loads while the repository changes all succeed and leave a consistent cache", async () => {
    await load();
    const loads: Array<Promise<string>> = [];
    for (let round = 0; round < 4; round++) {
      writeTestRepo(site.dir, [{ type: "primary", content: primary(round + 4) }]);
      for (let i = 0; i < 3; i++) loads.push(nevra({ refresh: true }));
      // Let those loads get going before the repository changes again.
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const seen = await Promise.all(loads);
    for (const name of seen) expect(name).toMatch(/^p[4-7]-[4-7]-1\.noarch$/);
    // Whatever repomd.xml the cache ended with, it is whole and its parsed table is next to it.
    const dir = repoCache();
    expect(readFileSync(path.join(dir, "repomd.xml"), "utf8")).toMatch(/<\/repomd>\n$/);
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
    // A load after them sees a usable cache (or, when the last recorded revision's table was pruned by
    // a concurrent load, checks with the server once and repairs it): then none asks the server.
    const settled = await nevra();
    expect(settled).toMatch(/^p[4-7]-[4-7]-1\.noarch$/);
    requests();
    const after = await load();
    expect(after.fromCache).toBe(true);
    expect(after.package(0).nevra).toBe(settled);
    expect(requests()).toEqual([]);
  });

  it("loadRepos passes refresh and metadataExpire to every repository", async () => {
    const other = makeRepoConfig("other", { baseurl: [server.url] });
    await loadRepos([config, other], { ...fast, cacheDir: cache.dir });
    requests();
    await loadRepos([config, other], { ...fast, cacheDir: cache.dir });
    expect(requests()).toEqual([]);
    await loadRepos([config, other], { ...fast, cacheDir: cache.dir, refresh: true });
    expect(requests()).toEqual(["/repodata/repomd.xml", "/repodata/repomd.xml"]);
    await loadRepos([config, other], { ...fast, cacheDir: cache.dir, metadataExpire: 0 });
    expect(requests()).toEqual(["/repodata/repomd.xml", "/repodata/repomd.xml"]);
  });
});
