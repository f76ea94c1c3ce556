import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFilelists, loadRepo, makeRepoConfig, type RepoConfig } from "../src/index.js";
import { haveFixtures, repodataDir, tempDir } from "./helpers.js";
import { TestServer } from "./http-server.js";

const present = haveFixtures();
const TREE = "createrepo_c-repo_04-filelists-ext";
const PRIMARY = "-primary.xml.gz";
const fast = { retries: 2, retryDelayMs: 10, timeoutMs: 2000 };

/** Every file under `dir`, relative. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describe.skipIf(!present)("loading over HTTP", () => {
  let server: TestServer;
  let cache: { dir: string; cleanup: () => void };
  let config: RepoConfig;

  beforeEach(async () => {
    server = new TestServer(path.join(repodataDir, TREE));
    await server.start();
    cache = tempDir();
    config = makeRepoConfig("web", { baseurl: [server.url] });
  });
  afterEach(async () => {
    await server.stop();
    cache.cleanup();
  });

  it("loads, then an unchanged repository costs one request (repomd.xml) and no parsing once expired", async () => {
    // metadata_expire=0: every load asks the server (the unexpired case is metadata-expire.test.ts).
    config.metadataExpire = 0;
    const first = await loadRepo(config, { ...fast, cacheDir: cache.dir });
    expect(first.fromCache).toBe(false);
    expect([...first.visiblePackages()].map((p) => p.nevra)).toEqual([
      "fake_bash-1.1.1-1.x86_64",
      "super_kernel-6.0.1-2.x86_64",
    ]);
    expect(server.requests).toEqual(["/repodata/repomd.xml", expect.stringMatching(/-primary\.xml\.gz$/)]);
    server.requests.length = 0;
    const second = await loadRepo(config, { ...fast, cacheDir: cache.dir });
    expect(second.fromCache).toBe(true);
    expect(server.requests).toEqual(["/repodata/repomd.xml"]);
    expect(second.package(1)).toEqual(first.package(1));
    // Filelists: fetched once, then from the parsed cache.
    expect((await loadFilelists(second)).files(0)).toEqual(["/usr/bin/fake_bash"]);
    expect(server.count("-filelists.xml.gz")).toBe(1);
    const third = await loadRepo(config, { ...fast, cacheDir: cache.dir });
    await loadFilelists(third);
    expect(server.count("-filelists.xml.gz")).toBe(1);
    // Offline: no request at all.
    server.requests.length = 0;
    const offline = await loadRepo(config, { ...fast, cacheDir: cache.dir, offline: true });
    expect(offline.count).toBe(2);
    expect(server.requests).toEqual([]);
  });

  it("HTTP 404 on repomd.xml is REPO_NOT_FOUND naming repo and URL, without retries", async () => {
    server.faults.set("repomd.xml", { kind: "status", status: 404 });
    await expect(loadRepo(config, fast)).rejects.toMatchObject({
      code: "REPO_NOT_FOUND",
      message: `repo "web": ${server.url}repodata/repomd.xml: HTTP 404 Not Found`,
    });
    expect(server.count("repomd.xml")).toBe(1);
  });

  it("HTTP 500 is retried, then REPO_HTTP_STATUS naming repo and URL; nothing is cached", async () => {
    server.faults.set(PRIMARY, { kind: "status", status: 500 });
    const error = await loadRepo(config, { ...fast, cacheDir: cache.dir }).catch((err: unknown) => err as Error);
    expect(error).toMatchObject({ code: "REPO_HTTP_STATUS" });
    expect(error.message).toMatch(
      new RegExp(
        `^repo "web": ${server.url}repodata/\\w+-primary\\.xml\\.gz: HTTP 500 Internal Server Error \\(gave up after 3 attempts\\)$`,
      ),
    );
    expect(server.count(PRIMARY)).toBe(3);
    expect(listFiles(cache.dir).filter((f) => !f.endsWith("repomd.xml"))).toEqual([]);
  });

  it("HTTP 500 twice, then success: loads", async () => {
    server.faults.set(PRIMARY, { kind: "status", status: 503, times: 2 });
    const repo = await loadRepo(config, { ...fast, cacheDir: cache.dir });
    expect(repo.count).toBe(2);
    expect(server.count(PRIMARY)).toBe(3);
  });

  it("a server that never answers is REPO_TIMEOUT naming repo and URL", async () => {
    server.faults.set("repomd.xml", { kind: "hang" });
    const started = Date.now();
    await expect(loadRepo(config, { timeoutMs: 300, retries: 1, retryDelayMs: 10 })).rejects.toMatchObject({
      code: "REPO_TIMEOUT",
      message: `repo "web": ${server.url}repodata/repomd.xml: timed out: no response within 0.3 s (gave up after 2 attempts)`,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.count("repomd.xml")).toBe(2);
  });

  it("a body that stops mid-way is REPO_TIMEOUT; nothing half-downloaded is kept", async () => {
    server.faults.set(PRIMARY, { kind: "stall-body" });
    const error = await loadRepo(config, { timeoutMs: 300, retries: 0, cacheDir: cache.dir }).catch(
      (err: unknown) => err as Error,
    );
    expect(error).toMatchObject({ code: "REPO_TIMEOUT" });
    expect(error.message).toMatch(/^repo "web": http:.*-primary\.xml\.gz: timed out: no data received for 0\.3 s$/);
    expect(listFiles(cache.dir).filter((f) => !f.endsWith("repomd.xml"))).toEqual([]);
  });

  it("a body cut short (200, then the connection closes) is retried, then succeeds", async () => {
    server.faults.set(PRIMARY, { kind: "truncate", times: 1 });
    const repo = await loadRepo(config, { ...fast, cacheDir: cache.dir });
    expect(repo.count).toBe(2);
    expect(server.count(PRIMARY)).toBe(2);
  });

  it("a body always cut short is REPO_NETWORK after the retries; nothing is kept", async () => {
    server.faults.set(PRIMARY, { kind: "truncate" });
    const error = await loadRepo(config, { ...fast, cacheDir: cache.dir }).catch((err: unknown) => err as Error);
    expect(error).toMatchObject({ code: "REPO_NETWORK" });
    expect(error.message).toMatch(/^repo "web": http:.*-primary\.xml\.gz: connection (broken|closed)/);
    expect(listFiles(cache.dir).filter((f) => !f.endsWith("repomd.xml"))).toEqual([]);
  });

  it("a corrupted file is REPO_CHECKSUM_MISMATCH naming repo and URL; it is neither used nor kept", async () => {
    server.faults.set(PRIMARY, { kind: "corrupt" });
    const error = await loadRepo(config, { ...fast, cacheDir: cache.dir }).catch((err: unknown) => err as Error);
    expect(error).toMatchObject({ code: "REPO_CHECKSUM_MISMATCH" });
    expect(error.message).toMatch(
      /^repo "web": http:\/\/127\.0\.0\.1:\d+\/repodata\/\w+-primary\.xml\.gz: checksum mismatch: expected sha256 6a5f64dd\w+, got \w+$/,
    );
    expect(server.count(PRIMARY)).toBe(1);
    expect(listFiles(cache.dir).filter((f) => !f.endsWith("repomd.xml"))).toEqual([]);
  });

  it("malformed XML over HTTP is REPO_BAD_XML naming repo and URL", async () => {
    server.faults.set("repomd.xml", { kind: "body", body: "<repomd><data type='primary'>" });
    await expect(loadRepo(config, fast)).rejects.toMatchObject({
      code: "REPO_BAD_XML",
      message: expect.stringMatching(new RegExp(`^repo "web": ${server.url}repodata/repomd\\.xml: malformed XML: `)),
    });
  });

  it("falls back to the next baseurl when the first fails", async () => {
    const mirrors = makeRepoConfig("web", { baseurl: [`${server.url}missing/`, server.url] });
    const repo = await loadRepo(mirrors, fast);
    expect(repo.count).toBe(2);
    expect(repo.baseUrls[0]).toBe(server.url);
  });

  it("uses a mirrorlist", async () => {
    server.faults.set("/mirrors.txt", { kind: "body", body: `# mirrors\n${server.url}nowhere/\n${server.url}\n` });
    const repo = await loadRepo(makeRepoConfig("web", { mirrorlist: `${server.url}mirrors.txt` }), fast);
    expect(repo.count).toBe(2);
    expect(repo.baseUrls).toEqual([server.url, `${server.url}nowhere/`]);
  });

  it("uses a metalink and checks repomd.xml against its hashes", async () => {
    const { createHash } = await import("node:crypto");
    const { readFileSync } = await import("node:fs");
    const repomd = readFileSync(path.join(repodataDir, TREE, "repodata/repomd.xml"));
    const metalink = (hash: string): string => `<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <verification><hash type="md5">00</hash><hash type="sha256">${hash}</hash></verification>
   <resources maxconnections="1">
    <url protocol="rsync" type="rsync" preference="100">rsync://example.invalid/repo/repodata/repomd.xml</url>
    <url protocol="http" type="http" preference="90">${server.url}repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>`;
    server.faults.set("/metalink", { kind: "body", body: metalink(createHash("sha256").update(repomd).digest("hex")) });
    const good = await loadRepo(makeRepoConfig("web", { metalink: `${server.url}metalink` }), fast);
    expect(good.count).toBe(2);
    server.faults.set("/metalink", { kind: "body", body: metalink("ab".repeat(32)) });
    await expect(loadRepo(makeRepoConfig("web", { metalink: `${server.url}metalink` }), fast)).rejects.toMatchObject({
      code: "REPO_CHECKSUM_MISMATCH",
      message: expect.stringContaining("repomd.xml checksum (from the metalink) mismatch"),
    });
  });

  it("a URL with an unknown scheme or unresolved variable is a clear error", async () => {
    await expect(loadRepo(makeRepoConfig("x", { baseurl: ["ftp://example.invalid/repo"] }))).rejects.toMatchObject({
      code: "REPO_UNSUPPORTED_URL",
    });
    await expect(
      loadRepo(makeRepoConfig("x", { baseurl: ["https://example.invalid/$releasever/$basearch/os/"] })),
    ).rejects.toMatchObject({
      code: "REPO_UNRESOLVED_VARIABLE",
      message: 'repo "x": https://example.invalid/$releasever/$basearch/os/: no value for $releasever',
    });
  });

  it("a connection refused is REPO_NETWORK naming repo and URL", async () => {
    await server.stop();
    const error = await loadRepo(config, { ...fast, retries: 0 }).catch((err: unknown) => err as Error);
    expect(error).toMatchObject({ code: "REPO_NETWORK" });
    expect(error.message).toMatch(
      new RegExp(`^repo "web": ${server.url}repodata/repomd\\.xml: cannot connect: ECONNREFUSED`),
    );
    await server.start(); // afterEach stops it again
  });
});
