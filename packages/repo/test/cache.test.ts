import { readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeBinaryFile, encodeBinaryFile } from "../src/cache/binary-file.js";
import { loadRepo, makeRepoConfig, StringTable } from "../src/index.js";
import { haveFixtures, repodataDir, tempDir, writeTestRepo } from "./helpers.js";

const present = haveFixtures();

describe("binary cache format", () => {
  it("round-trips columns and keeps string tables exact (a lone surrogate becomes U+FFFD)", () => {
    const strings = StringTable.fromArray(["", "a", "ünïcödé", "\uD800x", "😀"]);
    const lengths = new Uint32Array([0, 1, 7, 2, 2]);
    const data = Buffer.concat(
      encodeBinaryFile({
        kind: "test",
        meta: { n: 1 },
        columns: {
          ints: new Int32Array([1, -2, 3]),
          floats: new Float64Array([1.5, 2 ** 40]),
          bytes: new Uint8Array([9]),
          lengths,
          text: Buffer.from(strings.toArray().join(""), "utf8"),
        },
      }),
    );
    const back = decodeBinaryFile(data, "test");
    expect(back?.meta).toEqual({ n: 1 });
    expect([...(back?.columns.ints ?? [])]).toEqual([1, -2, 3]);
    expect([...(back?.columns.floats ?? [])]).toEqual([1.5, 2 ** 40]);
    const text = Buffer.from(back?.columns.text ?? new Uint8Array()).toString("utf8");
    const table = StringTable.fromJoined(text, back?.columns.lengths as Uint32Array);
    expect(table?.toArray()).toEqual(["", "a", "ünïcödé", "\uFFFDx", "😀"]);
    expect(table?.lookup("😀")).toBe(4);
    expect(table?.lookup("nope")).toBeUndefined();
    expect(decodeBinaryFile(data, "other-kind")).toBeUndefined();
    expect(decodeBinaryFile(data.subarray(0, data.length - 5), "test")).toBeUndefined();
    expect(decodeBinaryFile(Buffer.from("not a cache"), "test")).toBeUndefined();
  });
});

describe.skipIf(!present)("parsed-metadata cache", () => {
  let cache: { dir: string; cleanup: () => void };
  const config = makeRepoConfig("cs9", {
    baseurl: [pathToFileURL(path.join(repodataDir, "centos-stream9-baseos")).href],
  });
  beforeEach(() => {
    cache = tempDir();
  });
  afterEach(() => cache.cleanup());

  const binFile = (): string => {
    const dir = path.join(cache.dir, "repos", readdirSync(path.join(cache.dir, "repos"))[0] as string);
    return path.join(dir, readdirSync(dir).find((name) => name.endsWith(".primary.bin")) as string);
  };

  it("a damaged cache file is ignored and rebuilt", async () => {
    const first = await loadRepo(config, { cacheDir: cache.dir });
    const expected = first.package(500);
    for (const damage of [
      (file: string) => truncateSync(file, 1000),
      (file: string) => writeFileSync(file, "garbage"),
      (file: string) => {
        const bytes = readFileSync(file);
        bytes.fill(0x7f, bytes.length - 4096); // clobber the end of the string blob
        writeFileSync(file, bytes);
      },
    ]) {
      damage(binFile());
      const again = await loadRepo(config, { cacheDir: cache.dir });
      expect(again.package(500)).toEqual(expected);
      const third = await loadRepo(config, { cacheDir: cache.dir });
      expect(third.fromCache).toBe(true);
      expect(third.package(500)).toEqual(expected);
    }
  });

  it("name lookups work through the stored hash index", async () => {
    await loadRepo(config, { cacheDir: cache.dir });
    const repo = await loadRepo(config, { cacheDir: cache.dir });
    expect(repo.fromCache).toBe(true);
    const id = repo.packages.strings.lookup("bash");
    expect(id).toBeDefined();
    const bash = [...Array(repo.count).keys()].filter((i) => repo.packages.columns.name[i] === id);
    expect(bash.map((i) => repo.packages.nevra(i))).toEqual(["bash-5.1.8-2.el9.x86_64"]);
    // A dependency on /usr/bin/bash and bash's primary file /usr/bin/bash share one id.
    const sh = repo.packages.strings.lookup("/usr/bin/bash") as number;
    expect(repo.packages.columns.depName.includes(sh)).toBe(true);
    expect(repo.packages.columns.filePath.includes(sh)).toBe(true);
  });

  it("packageList() gives lazy packages with the same fields as package(i)", async () => {
    const repo = await loadRepo(config, { cacheDir: cache.dir });
    const list = repo.packageList();
    expect(list).toHaveLength(1125);
    expect(repo.packageList()).toBe(list);
    for (const i of [0, 1, 77, 500, 1124]) {
      const lazy = list[i];
      if (lazy === undefined) throw new Error("missing");
      const plain = repo.package(i);
      const { dependencies, ...fields } = plain;
      for (const [key, value] of Object.entries(fields)) expect(lazy[key as keyof typeof lazy]).toEqual(value);
      for (const [kind, deps] of Object.entries(dependencies)) {
        expect(lazy.dependencies[kind as keyof typeof dependencies]).toEqual(deps);
      }
    }
    const fileProviders = await repo.findFileProviders(["/usr/bin/bash"]);
    expect(fileProviders.get("/usr/bin/bash")?.map((i) => list[i]?.name)).toEqual(["bash"]);
  });

  it("a new repomd revision replaces the old cache files", async () => {
    const work = tempDir();
    try {
      const primary = (n: number): string => `<?xml version="1.0"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm"><name>p${n}</name><arch>noarch</arch><version epoch="0" ver="${n}" rel="1"/>
<checksum type="sha256" pkgid="YES">${String(n).repeat(64).slice(0, 64)}</checksum><location href="p.rpm"/></package>
</metadata>`;
      const repoConfig = makeRepoConfig("rev", { baseurl: [pathToFileURL(work.dir).href] });
      writeTestRepo(work.dir, [{ type: "primary", content: primary(1) }]);
      expect((await loadRepo(repoConfig, { cacheDir: cache.dir })).package(0).nevra).toBe("p1-1-1.noarch");
      writeTestRepo(work.dir, [{ type: "primary", content: primary(2) }]);
      // Within metadata_expire the cached revision is used, as dnf would; a refresh sees the new one.
      const unexpired = await loadRepo(repoConfig, { cacheDir: cache.dir });
      expect(unexpired.fromCache).toBe(true);
      expect(unexpired.package(0).nevra).toBe("p1-1-1.noarch");
      const updated = await loadRepo(repoConfig, { cacheDir: cache.dir, refresh: true });
      expect(updated.fromCache).toBe(false);
      expect(updated.package(0).nevra).toBe("p2-2-1.noarch");
      const dir = path.join(cache.dir, "repos", readdirSync(path.join(cache.dir, "repos"))[0] as string);
      expect(readdirSync(dir).filter((name) => name.endsWith(".bin"))).toEqual([
        `${updated.repomdChecksum}.primary.bin`,
      ]);
    } finally {
      work.cleanup();
    }
  });

  it("exclude and includepkgs hide packages (name, globs, NEVRA forms)", async () => {
    const repo = await loadRepo(
      { ...config, exclude: ["kernel*", "bash-5.1.8-2.el9.x86_64", "glibc.i686"] },
      { exclude: ["zsh"] },
    );
    const visible = new Set([...repo.visiblePackages()].map((p) => p.name + "." + p.arch));
    expect(visible.has("bash.x86_64")).toBe(false);
    expect(visible.has("zsh.x86_64")).toBe(false);
    expect(visible.has("kernel-core.x86_64")).toBe(false);
    expect(visible.has("glibc.i686")).toBe(false);
    expect(visible.has("glibc.x86_64")).toBe(true);
    const only = await loadRepo({ ...config, includepkgs: ["glibc*"] });
    expect(new Set([...only.visiblePackages()].map((p) => p.name)).size).toBeGreaterThan(3);
    expect([...only.visiblePackages()].every((p) => p.name.startsWith("glibc"))).toBe(true);
  });
});
