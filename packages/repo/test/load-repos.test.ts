import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRepos, makeRepoConfig } from "../src/index.js";
import { haveFixtures, repodataDir, tempDir, writeTestRepo } from "./helpers.js";

const present = haveFixtures();

describe.skipIf(!present)("loadRepos", () => {
  let work: { dir: string; cleanup: () => void };
  beforeEach(() => {
    work = tempDir();
  });
  afterEach(() => work.cleanup());

  const fixture = (tree: string) => pathToFileURL(path.join(repodataDir, tree)).href;

  it("loads enabled repositories, skips disabled ones, and skips failing ones that allow it", async () => {
    const set = await loadRepos(
      [
        makeRepoConfig("koji", { baseurl: [fixture("createrepo_c-repo_koji_01")] }),
        makeRepoConfig("off", { baseurl: [fixture("does-not-exist")], enabled: false }),
        makeRepoConfig("gone", { baseurl: [fixture("does-not-exist")], skipIfUnavailable: true }),
        makeRepoConfig("zck", { baseurl: [fixture("fedora-thirdparty-chromium-zck")] }),
      ],
      { concurrency: 2 },
    );
    expect(set.repos.map((r) => [r.id, r.count])).toEqual([
      ["koji", 2],
      ["zck", 21],
    ]);
    expect(set.skipped.map((s) => [s.config.id, s.error.code])).toEqual([["gone", "REPO_NOT_FOUND"]]);
    expect(set.package({ repoId: "koji", index: 1 }).nevra).toBe("dwm-6.1-7.fc28.x86_64");
    expect(() => set.package({ repoId: "koji", index: 2 })).toThrow(/no package #2 in repository "koji"/);
  });

  it("fails on the first repository that cannot load without skip_if_unavailable", async () => {
    await expect(
      loadRepos([
        makeRepoConfig("koji", { baseurl: [fixture("createrepo_c-repo_koji_01")] }),
        makeRepoConfig("gone", { baseurl: [fixture("does-not-exist")] }),
      ]),
    ).rejects.toMatchObject({ code: "REPO_NOT_FOUND", message: expect.stringContaining('repo "gone"') });
  });

  it("verifies sha512 and sha1 repomd checksums", async () => {
    const primary = readFileSync(
      path.join(repodataDir, "createrepo_c-malformed/unknown_element_00-primary.xml"),
      "utf8",
    );
    for (const checksumType of ["sha512", "sha1"] as const) {
      const dir = path.join(work.dir, checksumType);
      writeTestRepo(dir, [{ type: "primary", content: primary, checksumType }]);
      const set = await loadRepos([makeRepoConfig(checksumType, { baseurl: [pathToFileURL(dir).href] })]);
      expect(set.get(checksumType)?.count).toBe(2);
      writeTestRepo(dir, [{ type: "primary", content: primary, checksumType, checksum: "0".repeat(10) }]);
      await expect(
        loadRepos([makeRepoConfig(checksumType, { baseurl: [pathToFileURL(dir).href] })]),
      ).rejects.toMatchObject({
        code: "REPO_CHECKSUM_MISMATCH",
        message: expect.stringContaining(`checksum mismatch: expected ${checksumType} 0000000000, got`),
      });
    }
  });
});
