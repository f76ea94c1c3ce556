import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DownloadProgress, downloadPackages, loadRepos, makeRepoConfig, type RepoSet } from "../src/index.js";
import { haveFixtures, haveTool, repodataDir, tempDir } from "./helpers.js";
import { TestServer } from "./http-server.js";

const present = haveFixtures();
const COMPLETE = [
  "fedora16-filesystem-sha1-signed",
  "fedora16-filesystem-allmd",
  "createrepo_c-repo_04-filelists-ext",
  "libdnf-hawkey-yum",
  "libdnf-advisories-modular",
];
const fast = { retries: 2, retryDelayMs: 10, timeoutMs: 2000 };

function sha(file: string, type: string): string {
  return createHash(type === "sha" ? "sha1" : type)
    .update(readFileSync(file))
    .digest("hex");
}

/** `rpm -qp` as the oracle that a downloaded file is the package asked for. */
function rpmNevra(file: string): string {
  return execFileSync(
    "rpm",
    ["-qp", "--nosignature", "--nodigest", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}", file],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
}

function allHandles(repos: RepoSet) {
  return repos.repos.flatMap((repo) => [...repo.visiblePackages()]);
}

describe.skipIf(!present)("downloadPackages", () => {
  let cache: { dir: string; cleanup: () => void };
  beforeEach(() => {
    cache = tempDir();
  });
  afterEach(() => cache.cleanup());

  it("file:// repositories: verifies each package in place (or copies it with copyLocal)", async () => {
    const configs = COMPLETE.map((tree) =>
      makeRepoConfig(tree, { baseurl: [pathToFileURL(path.join(repodataDir, tree)).href] }),
    );
    const repos = await loadRepos(configs, { cacheDir: cache.dir });
    const packages = allHandles(repos);
    expect(packages).toHaveLength(8);
    const inPlace = await downloadPackages(repos, packages, { cacheDir: cache.dir });
    for (const result of inPlace) {
      expect(result.cached).toBe(true);
      expect(result.path.startsWith(repodataDir)).toBe(true);
    }
    const copied = await downloadPackages(repos, packages, { cacheDir: cache.dir, copyLocal: true, concurrency: 3 });
    copied.forEach((result, i) => {
      const pkg = packages[i];
      expect(result.package.nevra).toBe(pkg?.nevra);
      expect(result.cached).toBe(false);
      expect(result.path).toBe(
        path.join(cache.dir, "packages", pkg?.repoId ?? "", path.basename(pkg?.location.href ?? "")),
      );
      expect(sha(result.path, result.package.checksum.type)).toBe(result.package.checksum.value);
      if (haveTool("rpm")) expect(rpmNevra(result.path)).toBe(result.package.nevra.replace(/-\d+:/, "-"));
    });
  });

  describe("over HTTP", () => {
    const servers: TestServer[] = [];
    let repos: RepoSet;

    beforeEach(async () => {
      const configs = [];
      for (const tree of COMPLETE) {
        const server = new TestServer(path.join(repodataDir, tree));
        await server.start();
        servers.push(server);
        configs.push(makeRepoConfig(tree, { baseurl: [server.url] }));
      }
      repos = await loadRepos(configs, { ...fast, cacheDir: cache.dir });
      for (const server of servers) server.requests.length = 0;
    });
    afterEach(async () => {
      for (const server of servers.splice(0)) await server.stop();
    });

    const server = (tree: string): TestServer => servers[COMPLETE.indexOf(tree)] as TestServer;
    const rpmRequests = (): number =>
      servers.reduce((n, s) => n + s.requests.filter((r) => r.endsWith(".rpm")).length, 0);

    it("downloads several at once, verified, with consistent progress; the second time nothing is fetched", async () => {
      const packages = allHandles(repos);
      const events: DownloadProgress[] = [];
      const results = await downloadPackages(repos, packages, {
        cacheDir: cache.dir,
        concurrency: 3,
        onProgress: (event) => events.push(event),
      });
      expect(rpmRequests()).toBe(8);
      const total = packages.reduce((n, p) => n + p.packageSize, 0);
      for (const result of results) {
        expect(result.cached).toBe(false);
        expect(sha(result.path, result.package.checksum.type)).toBe(result.package.checksum.value);
        if (haveTool("rpm")) expect(rpmNevra(result.path)).toBe(result.package.nevra.replace(/-\d+:/, "-"));
        const mine = events.filter(
          (e) => e.package.nevra === result.package.nevra && e.package.repoId === result.package.repoId,
        );
        expect(mine[0]?.type).toBe("start");
        expect(mine[mine.length - 1]).toMatchObject({
          type: "done",
          received: result.package.packageSize,
          cached: false,
        });
      }
      const last = events[events.length - 1];
      expect(last?.overall).toEqual({ received: total, size: total, done: 8, count: 8 });
      // More than one download was in flight at some point.
      let inFlight = 0;
      let most = 0;
      for (const event of events) {
        if (event.type === "start") most = Math.max(most, ++inFlight);
        if (event.type === "done") inFlight--;
      }
      expect(most).toBeGreaterThan(1);
      // No temporary files are left behind.
      const left = readdirSync(path.join(cache.dir, "packages"), { recursive: true }).map(String);
      expect(left.filter((name) => name.includes(".part-"))).toEqual([]);

      const again = await downloadPackages(repos, packages, { cacheDir: cache.dir });
      expect(again.every((r) => r.cached)).toBe(true);
      expect(rpmRequests()).toBe(8);
    });

    it("retries a transient failure (500, then a cut-short body) and reports the retry", async () => {
      const tree = "fedora16-filesystem-sha1-signed";
      server(tree).faults.set(".rpm", { kind: "status", status: 502, times: 1 });
      const events: DownloadProgress[] = [];
      const packages = [...(repos.get(tree)?.visiblePackages() ?? [])];
      const [result] = await downloadPackages(repos, packages, {
        cacheDir: cache.dir,
        onProgress: (e) => events.push(e),
      });
      expect(result?.cached).toBe(false);
      expect(server(tree).count(".rpm")).toBe(2);
      expect(events.map((e) => e.type)).toContain("retry");
      expect(events.find((e) => e.type === "retry")?.error?.code).toBe("REPO_HTTP_STATUS");

      server(tree).faults.set(".rpm", { kind: "truncate", times: 1 });
      const fresh = tempDir();
      try {
        const [again] = await downloadPackages(repos, packages, { cacheDir: fresh.dir });
        expect(sha(again?.path ?? "", "sha1")).toBe(again?.package.checksum.value);
        expect(server(tree).count(".rpm")).toBe(4);
      } finally {
        fresh.cleanup();
      }
    });

    it("a corrupted package is REPO_CHECKSUM_MISMATCH naming repo and URL, and never reaches the cache", async () => {
      const tree = "createrepo_c-repo_04-filelists-ext";
      server(tree).faults.set("super_kernel-6.0.1-2.x86_64.rpm", { kind: "corrupt" });
      const packages = [...(repos.get(tree)?.visiblePackages() ?? [])];
      const error = await downloadPackages(repos, packages, { cacheDir: cache.dir, concurrency: 1 }).catch(
        (err: unknown) => err as Error,
      );
      expect(error).toMatchObject({ code: "REPO_CHECKSUM_MISMATCH" });
      expect(error.message).toMatch(
        new RegExp(
          `^repo "${tree}": ${server(tree).url}super_kernel-6\\.0\\.1-2\\.x86_64\\.rpm: checksum mismatch: expected sha256 6d43a638`,
        ),
      );
      const dir = path.join(cache.dir, "packages", tree);
      expect(existsSync(path.join(dir, "super_kernel-6.0.1-2.x86_64.rpm"))).toBe(false);
      expect(readdirSync(dir).filter((name) => name.includes(".part-"))).toEqual([]);
    });

    it("HTTP 404 is REPO_NOT_FOUND; a hanging server is REPO_TIMEOUT", async () => {
      const tree = "libdnf-advisories-modular";
      const packages = [...(repos.get(tree)?.visiblePackages() ?? [])];
      server(tree).faults.set(".rpm", { kind: "status", status: 404 });
      await expect(downloadPackages(repos, packages, { cacheDir: cache.dir })).rejects.toMatchObject({
        code: "REPO_NOT_FOUND",
        message: expect.stringMatching(
          new RegExp(`^repo "${tree}": ${server(tree).url}test-perl-DBI-.*\\.rpm: HTTP 404 Not Found$`),
        ),
      });
      server(tree).faults.set(".rpm", { kind: "hang" });
      await expect(
        downloadPackages(repos, packages, { cacheDir: cache.dir, timeoutMs: 200, retries: 0 }),
      ).rejects.toMatchObject({ code: "REPO_TIMEOUT" });
    });

    it("re-downloads a cached file that was damaged on disk", async () => {
      const tree = "libdnf-hawkey-yum";
      const packages = [...(repos.get(tree)?.visiblePackages() ?? [])];
      // xml:base="disagree" is not a URL, so the packages come from the repository's base URL.
      expect(repos.get(tree)?.packageUrls(0)).toEqual([`${server(tree).url}mystery-devel-19.67-1.noarch.rpm`]);
      const [first] = await downloadPackages(repos, packages, { cacheDir: cache.dir });
      writeFileSync(first?.path ?? "", "damaged");
      const [second] = await downloadPackages(repos, packages, { cacheDir: cache.dir });
      expect(second?.cached).toBe(false);
      expect(sha(second?.path ?? "", "sha256")).toBe(second?.package.checksum.value);
    });

    it("rejects a handle for a repository that is not loaded", async () => {
      await expect(
        downloadPackages(repos, [{ repoId: "nope", index: 0 }], { cacheDir: cache.dir }),
      ).rejects.toMatchObject({
        code: "REPO_UNKNOWN_PACKAGE",
      });
    });
  });
});
