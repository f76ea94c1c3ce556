import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  addRepo,
  baseArch,
  defaultVariables,
  listRepos,
  makeRepoConfig,
  parseRepoFile,
  removeRepo,
  resolveRepoUrls,
  serializeRepoFile,
  substituteVariables,
} from "../src/index.js";
import { tempDir } from "./helpers.js";

const FEDORA_STYLE = `# A typical dnf repository file
[fedora]
name=Fedora $releasever - $basearch
#baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/$basearch/os/
metalink=https://mirrors.fedoraproject.org/metalink?repo=fedora-$releasever&arch=$basearch
enabled=1
countme=1
metadata_expire=7d
repo_gpgcheck=0
type=rpm
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch
skip_if_unavailable=False

[fedora-debuginfo]
name=Fedora $releasever - $basearch - Debug
baseurl=http://a.example/$releasever/debug/ http://b.example/$releasever/debug/,
  http://c.example/\${releasever}/debug/
enabled=0
priority = 10
cost=500
exclude=kernel* glibc-devel, foo.i686
includepkgs=bar*
module_hotfixes=true
`;

describe(".repo files", () => {
  it("parses every option dnf defines, with defaults", () => {
    const [fedora, debug] = parseRepoFile(FEDORA_STYLE, "fedora.repo");
    expect(fedora).toEqual({
      id: "fedora",
      name: "Fedora $releasever - $basearch",
      baseurl: [],
      metalink: "https://mirrors.fedoraproject.org/metalink?repo=fedora-$releasever&arch=$basearch",
      enabled: true,
      gpgcheck: true,
      repoGpgcheck: false,
      gpgkey: ["file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch"],
      priority: 99,
      cost: 1000,
      exclude: [],
      includepkgs: [],
      skipIfUnavailable: false,
      metadataExpire: 604_800,
      extra: { countme: "1", type: "rpm" },
    });
    expect(debug).toMatchObject({
      id: "fedora-debuginfo",
      baseurl: [
        "http://a.example/$releasever/debug/",
        "http://b.example/$releasever/debug/",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: dnf's ${var} syntax
        "http://c.example/${releasever}/debug/",
      ],
      enabled: false,
      priority: 10,
      cost: 500,
      exclude: ["kernel*", "glibc-devel", "foo.i686"],
      includepkgs: ["bar*"],
      extra: { module_hotfixes: "true" },
    });
  });

  it("round-trips through serialisation", () => {
    const configs = parseRepoFile(FEDORA_STYLE, "fedora.repo");
    const text = serializeRepoFile(configs);
    expect(parseRepoFile(text, "again.repo")).toEqual(configs);
    expect(text).toContain(
      "[fedora-debuginfo]\nname=Fedora $releasever - $basearch - Debug\nbaseurl=http://a.example/",
    );
  });

  it("rejects bad lines, ids, booleans and numbers with file:line", () => {
    expect(() => parseRepoFile("name=x\n", "a.repo")).toThrow(/^a\.repo:1: "name=x" appears before any \[section\]$/);
    expect(() => parseRepoFile("[a b]\n", "a.repo")).toThrow(/a\.repo:1: invalid repository id "a b"/);
    expect(() => parseRepoFile("[x]\nenabled=maybe\n", "a.repo")).toThrow(
      /a\.repo:1: \[x\] enabled: "maybe" is not a boolean/,
    );
    expect(() => parseRepoFile("[x]\ncost=-1\n", "a.repo")).toThrow(/cost: "-1" is not a valid integer/);
    expect(() => parseRepoFile("[x]\njunk\n", "a.repo")).toThrow(/a\.repo:2: expected "key=value", got "junk"/);
    expect(() => parseRepoFile("[x]\n[x]\n", "a.repo")).toThrow(/repository "x" is defined twice/);
    try {
      parseRepoFile("[x]\njunk\n", "a.repo");
    } catch (err) {
      expect(err).toMatchObject({ name: "GroveError", code: "REPO_CONFIG_INVALID", subject: "a.repo" });
    }
  });
});

describe("variables", () => {
  const vars = defaultVariables({ arch: "i686", releasever: "9.2", extra: { contentdir: "centos" } });

  it("maps arch to basearch as dnf does", () => {
    expect(vars).toMatchObject({
      arch: "i686",
      basearch: "i386",
      releasever: "9.2",
      releasever_major: "9",
      releasever_minor: "2",
    });
    expect(baseArch("x86_64_v3")).toBe("x86_64");
    expect(baseArch("armv7hl")).toBe("armhfp");
    expect(baseArch("aarch64")).toBe("aarch64");
  });

  it("substitutes $var, {var}, {var:-default} and {var:+alt} forms, leaving unknown ones", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dnf's ${var} syntax
    expect(substituteVariables("http://x/$contentdir/$releasever/BaseOS/${basearch}/os/", vars)).toBe(
      "http://x/centos/9.2/BaseOS/i386/os/",
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dnf's ${var} syntax
    expect(substituteVariables("${nope:-fallback}/${arch:+set}/${nope:+unset}/$nope", vars)).toBe(
      "fallback/set//$nope",
    );
  });

  it("resolveRepoUrls reports a variable without a value", () => {
    const config = makeRepoConfig("c9", { baseurl: ["http://x/$releasever/$basearch/"] });
    expect(resolveRepoUrls(config, vars).baseUrls).toEqual(["http://x/9.2/i386/"]);
    expect(() => resolveRepoUrls(config, defaultVariables({ arch: "x86_64" }))).toThrow(
      'repo "c9": http://x/$releasever/$basearch/: no value for $releasever',
    );
  });
});

describe("repos.d", () => {
  let work: { dir: string; cleanup: () => void };
  beforeEach(() => {
    work = tempDir();
  });
  afterEach(() => work.cleanup());

  it("adds, lists and removes repositories", async () => {
    expect(await listRepos(work.dir)).toEqual([]);
    const added = await addRepo(work.dir, "local", "./some/dir", { priority: 5 });
    expect(added.baseurl).toEqual([`file://${path.resolve("./some/dir")}`]);
    await addRepo(work.dir, "baseos", "https://mirror.example/$releasever/BaseOS/$basearch/os/");
    expect(readFileSync(path.join(work.dir, "repos.d", "baseos.repo"), "utf8")).toBe(
      "[baseos]\nname=baseos\nbaseurl=https://mirror.example/$releasever/BaseOS/$basearch/os/\nenabled=1\ngpgcheck=0\n",
    );
    expect((await listRepos(work.dir)).map((r) => [r.id, r.priority])).toEqual([
      ["baseos", 99],
      ["local", 5],
    ]);
    await expect(addRepo(work.dir, "local", "http://x/")).rejects.toMatchObject({ code: "REPO_EXISTS" });
    await expect(addRepo(work.dir, "bad id", "http://x/")).rejects.toMatchObject({ code: "REPO_CONFIG_INVALID" });
    expect((await removeRepo(work.dir, "local")).id).toBe("local");
    expect(readdirSync(path.join(work.dir, "repos.d"))).toEqual(["baseos.repo"]);
    await expect(removeRepo(work.dir, "local")).rejects.toMatchObject({ code: "REPO_UNKNOWN_ID" });
  });

  it("removes one section from a file holding several, and rejects an id defined in two files", async () => {
    mkdirSync(path.join(work.dir, "repos.d"));
    writeFileSync(path.join(work.dir, "repos.d", "fedora.repo"), FEDORA_STYLE);
    await removeRepo(work.dir, "fedora-debuginfo");
    expect((await listRepos(work.dir)).map((r) => r.id)).toEqual(["fedora"]);
    expect(readFileSync(path.join(work.dir, "repos.d", "fedora.repo"), "utf8")).toContain("countme=1");
    writeFileSync(path.join(work.dir, "repos.d", "dup.repo"), "[fedora]\nbaseurl=http://x/\n");
    await expect(listRepos(work.dir)).rejects.toMatchObject({
      code: "REPO_CONFIG_INVALID",
      message: expect.stringContaining('repository "fedora" is already defined in'),
    });
  });
});
