import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isGroveError } from "@grove/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEP_KINDS, loadFilelists, loadRepo, makeRepoConfig, type Repository } from "../src/index.js";
import { expectedEvr, expectedFlags, haveFixtures, haveTool, oraclePrimary, repodataDir, tempDir } from "./helpers.js";

const present = haveFixtures();

/** Trees that hold a repository at their top level, with the package count primary.xml lists. */
const GOOD_TREES: Record<string, number> = {
  "centos-stream9-baseos": 1125,
  "createrepo_c-repo_00-empty-zck": 0,
  "createrepo_c-repo_03-modules": 0,
  "createrepo_c-repo_04-filelists-ext": 2,
  "createrepo_c-repo_koji_01": 2,
  "fedora-thirdparty-chromium-zck": 21,
  "fedora16-filesystem-allmd": 1,
  "fedora16-filesystem-sha1-signed": 1,
  "libdnf-advisories-modular": 2,
  "libdnf-hawkey-yum": 2,
  "libzypp-reposigcheck/signed_repo": 0,
  "libzypp-reposigcheck/unknownkey_repo": 0,
  "libzypp-reposigcheck/unsigned_repo": 0,
  "libzypp-reposigcheck/wrongsig_repo": 0,
  "obs-virtualbox-11.1": 78,
  "obs-zypp-svn-11.1": 42,
  "opensuse-10.2-updates-subset": 22,
  "opensuse-11.0-update": 2430,
  "opensuse-delta": 162,
  "opensuse-yum-extensions": 8,
  "osbuild-custom-zstd": 1,
};

/** Trees whose repomd lists a filelists.xml that upstream never committed. */
const MISSING_FILELISTS = ["obs-virtualbox-11.1", "obs-zypp-svn-11.1", "opensuse-11.0-update", "opensuse-delta"];

function configFor(tree: string) {
  return makeRepoConfig(tree.replace("/", "-"), { baseurl: [pathToFileURL(path.join(repodataDir, tree)).href] });
}

function primaryFileOf(tree: string): string | undefined {
  const repomd = readFileSync(path.join(repodataDir, tree, "repodata/repomd.xml"), "utf8");
  const match = /<data type="primary">[\s\S]*?<location href="([^"]+)"/.exec(repomd);
  return match?.[1] === undefined ? undefined : path.join(repodataDir, tree, match[1]);
}

describe.skipIf(!present)("real repodata trees", () => {
  const cache = tempDir();
  afterAll(() => cache.cleanup());

  it("covers every tree in the fixtures", () => {
    const trees = readdirSync(repodataDir).filter((name) => name !== "createrepo_c-malformed");
    for (const tree of trees) {
      if (tree === "libzypp-reposigcheck") continue;
      expect(Object.keys(GOOD_TREES)).toContain(tree);
    }
  });

  for (const [tree, count] of Object.entries(GOOD_TREES)) {
    it(`${tree}: loads ${count} packages equal to an independent XML parse`, async () => {
      const repo = await loadRepo(configFor(tree), { cacheDir: cache.dir });
      expect(repo.count).toBe(count);
      const primary = primaryFileOf(tree);
      if (primary === undefined) return;
      const oracle = oraclePrimary(primary);
      expect(oracle.length).toBe(count);
      const expected = oracle.map((want) => ({
        name: want.name,
        arch: want.arch,
        epoch: Number(want.epoch ?? 0),
        version: want.ver ?? "",
        release: want.rel ?? "",
        checksum: { type: want.checksumType, value: want.checksum.trim().toLowerCase() },
        location: want.base === null ? { href: want.href } : { href: want.href, base: want.base },
        packageSize: Number(want.packageSize ?? 0),
        installedSize: Number(want.installedSize ?? 0),
        summary: want.summary ?? "",
        sourceRpm: (want.sourcerpm ?? "").trim(),
        dependencies: Object.fromEntries(
          DEP_KINDS.map((kind) => [
            kind,
            (want.deps[kind] ?? []).map(([name, flags, epoch, ver, rel, pre]) => ({
              name,
              flags: expectedFlags(flags, pre),
              evr: flags === null && ver === null ? "" : expectedEvr(epoch, ver, rel),
            })),
          ]),
        ),
        files: want.files.map(([file]) => file),
      }));
      const got = [...Array(repo.count).keys()].map((i) => {
        const { repoId: _r, index: _i, nevra: _n, buildTime: _b, fileTime: _f, ...rest } = repo.package(i);
        return rest;
      });
      expect(got.length).toBe(expected.length);
      // Deep-compare only what differs as JSON (same key order on both sides), so that a 1,000-package
      // comparison stays fast and a failure still shows a readable diff.
      const differing = got.map((_, i) => i).filter((i) => JSON.stringify(got[i]) !== JSON.stringify(expected[i]));
      for (const i of differing.slice(0, 3)) expect(got[i]).toEqual(expected[i]);
      expect(differing).toEqual([]);
    });
  }

  it("a second load of every tree comes from the parsed cache and is identical", async () => {
    for (const tree of Object.keys(GOOD_TREES)) {
      const first = await loadRepo(configFor(tree), { cacheDir: cache.dir });
      const second = await loadRepo(configFor(tree), { cacheDir: cache.dir });
      expect(second.fromCache).toBe(true);
      expect(second.count).toBe(first.count);
      for (let i = 0; i < first.count; i++) expect(second.package(i)).toEqual(first.package(i));
    }
  });

  it("tolerates a wrong open-checksum when the file checksum matches, with a warning", async () => {
    const repo = await loadRepo(configFor("opensuse-yum-extensions"), {});
    expect(repo.count).toBe(8);
    expect(repo.warnings.join("\n")).toMatch(/primary\.xml\.gz: open-checksum .*mismatch/);
  });

  for (const tree of MISSING_FILELISTS) {
    it(`${tree}: primary loads; loadFilelists names the missing filelists.xml.gz`, async () => {
      const repo = await loadRepo(configFor(tree), {});
      expect(repo.count).toBe(GOOD_TREES[tree]);
      const error = await loadFilelists(repo).catch((err: unknown) => err);
      expect(isGroveError(error)).toBe(true);
      expect(error).toMatchObject({ code: "REPO_NOT_FOUND" });
      expect((error as Error).message).toContain(`repo "${repo.id}"`);
      expect((error as Error).message).toContain(
        `${pathToFileURL(path.join(repodataDir, tree)).href}/repodata/filelists.xml.gz`,
      );
    });
  }

  describe("centos-stream9-baseos filelists", () => {
    let repo: Repository;
    beforeAll(async () => {
      repo = await loadRepo(configFor("centos-stream9-baseos"), { cacheDir: cache.dir });
    });

    it("loads the complete file lists and finds file providers", async () => {
      const lists = await loadFilelists(repo);
      const bash = [...Array(repo.count).keys()].find((i) => repo.packages.name(i) === "bash") as number;
      expect(lists.files(bash)).toContain("/usr/share/doc/bash/bash.html");
      const providers = lists.findProviders(["/usr/bin/bash", "/lib64/libc.so.6", "/no/such/file"]);
      expect(providers.get("/usr/bin/bash")?.map((i) => repo.packages.name(i))).toEqual(["bash"]);
      expect(providers.get("/lib64/libc.so.6")?.map((i) => repo.packages.nevra(i))).toEqual([
        expect.stringMatching(/^glibc-2\.34-\d+\.el9\.x86_64$/),
      ]);
      expect(providers.get("/no/such/file")).toEqual([]);
      // Total entries equal the XML's <file> count.
      const xml = execFileSync("sh", [
        "-c",
        `zcat ${path.join(repodataDir, "centos-stream9-baseos/repodata/*-filelists.xml.gz")} | grep -c "<file[ >]"`,
      ]).toString();
      expect(lists.fileCount).toBe(Number(xml.trim()));
    });

    it("serves the file lists from the cache the second time", async () => {
      const again = await loadRepo(configFor("centos-stream9-baseos"), { cacheDir: cache.dir });
      const lists = await loadFilelists(again);
      expect(lists.fileCount).toBe((await loadFilelists(repo)).fileCount);
      expect(again.filelists).toBe(lists);
    });
  });

  it("a real BADSUM file (opensuse-10.2 other.xml.gz) fails its checksum, naming repo and URL", async () => {
    const work = tempDir();
    try {
      cpSync(path.join(repodataDir, "opensuse-10.2-updates-subset"), work.dir, { recursive: true });
      const repomdFile = path.join(work.dir, "repodata/repomd.xml");
      // Make the `other` entry (whose checksum is wrong upstream) the primary one.
      const repomd = readFileSync(repomdFile, "utf8")
        .replace('type="primary"', 'type="primary-orig"')
        .replace('type="other"', 'type="primary"');
      writeFileSync(repomdFile, repomd);
      const error = await loadRepo(makeRepoConfig("badsum", { baseurl: [pathToFileURL(work.dir).href] })).catch(
        (err: unknown) => err,
      );
      expect(error).toMatchObject({ code: "REPO_CHECKSUM_MISMATCH" });
      expect((error as Error).message).toMatch(
        /^repo "badsum": file:\/\/.*\/repodata\/other\.xml\.gz: checksum mismatch/,
      );
    } finally {
      work.cleanup();
    }
  });
});

const DNF_TREES = [
  "centos-stream9-baseos",
  "createrepo_c-repo_04-filelists-ext",
  "createrepo_c-repo_koji_01",
  "fedora-thirdparty-chromium-zck",
  "fedora16-filesystem-sha1-signed",
  "libdnf-hawkey-yum",
  "opensuse-10.2-updates-subset",
  "osbuild-custom-zstd",
];

describe.skipIf(!present || !haveTool("dnf"))("agrees with dnf repoquery", () => {
  const scratch = tempDir();
  afterAll(() => scratch.cleanup());

  for (const tree of DNF_TREES) {
    it(`${tree}: the same NEVRAs and locations`, async () => {
      const url = pathToFileURL(path.join(repodataDir, tree)).href;
      const out = execFileSync(
        "dnf",
        [
          "-q",
          `--installroot=${scratch.dir}/root`,
          "--setopt=reposdir=/dev/null",
          `--setopt=cachedir=${scratch.dir}/cache-${tree}`,
          "--releasever=9",
          `--repofrompath=r,${url}`,
          "--repo=r",
          "repoquery",
          "--qf",
          "%{name}-%{epoch}:%{version}-%{release}.%{arch} %{location}",
        ],
        { encoding: "utf8" },
      );
      const fromDnf = out
        .split("\n")
        .filter((line) => line !== "")
        .sort();
      const repo = await loadRepo(configFor(tree), {});
      const ours = [...repo.visiblePackages()]
        .map((p) => `${p.name}-${p.epoch}:${p.version}-${p.release}.${p.arch} ${p.location.href}`)
        .sort();
      expect(ours).toEqual(fromDnf);
    });
  }
});
