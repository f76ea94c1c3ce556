import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isGroveError } from "@grove/core";
import { afterEach, describe, expect, it } from "vitest";
import { loadFilelists, loadRepo, makeRepoConfig } from "../src/index.js";
import { haveFixtures, repodataDir, type TestMetadataFile, tempDir, writeTestRepo } from "./helpers.js";

const present = haveFixtures();
const malformed = path.join(repodataDir, "createrepo_c-malformed");
const read = (name: string): string => readFileSync(path.join(malformed, name), "utf8");

describe.skipIf(!present)("createrepo_c-malformed metadata", () => {
  const dirs: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of dirs.splice(0)) cleanup();
  });

  async function load(files: TestMetadataFile[]) {
    const work = tempDir();
    dirs.push(work.cleanup);
    writeTestRepo(work.dir, files);
    return loadRepo(makeRepoConfig("malformed", { baseurl: [pathToFileURL(work.dir).href] }));
  }

  async function failure(files: TestMetadataFile[], filelists = false): Promise<Error & { code: string }> {
    const error = await load(files)
      .then((repo) => (filelists ? loadFilelists(repo) : repo))
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isGroveError(error)).toBe(true);
    return error as Error & { code: string };
  }

  it("a package without <checksum> is a clear error naming the package, repo and URL", async () => {
    const error = await failure([{ type: "primary", content: read("error_00-primary.xml") }]);
    expect(error.code).toBe("REPO_BAD_METADATA");
    expect(error.message).toMatch(
      /^repo "malformed": file:\/\/.*-primary\.xml\.gz: package "fake_bash" \(#1\): no <checksum> \(the package id\)$/,
    );
  });

  it("unknown elements are ignored, with everything inside them (as libsolv does)", async () => {
    expect((await load([{ type: "primary", content: read("unknown_element_00-primary.xml") }])).count).toBe(2);
    const nested = await load([{ type: "primary", content: read("unknown_element_01-primary.xml") }]);
    // The second <package> sits inside an unknown <bar>: dnf lists only fake_bash too.
    expect([...nested.visiblePackages()].map((p) => p.nevra)).toEqual(["fake_bash-1.1.1-1.x86_64"]);
    expect((await load([{ type: "primary", content: read("unknown_element_02-primary.xml") }])).count).toBe(2);
    const warnings = await load([{ type: "primary", content: read("multiple_warnings_00-primary.xml") }]);
    expect([...warnings.visiblePackages()].map((p) => p.name)).toEqual(["fake_bash", "super_kernel"]);
  });

  it("decodes entities (&amp;) in names, versions, files and hrefs", async () => {
    const repo = await load([{ type: "primary", content: read("repo_01_ampersand-primary.xml") }]);
    const pkg = repo.package(0);
    expect(pkg.summary).toBe("Tes&t package");
    expect(pkg.location.href).toBe("super_kernel&-6.0.1-2.x86_64.rpm");
    expect(pkg.dependencies.provides.map((d) => d.name)).toContain("super_&&kernel(x86-64)");
    expect(pkg.dependencies.requires).toContainEqual({ name: "glib", flags: 12, evr: "2.2&6.0" });
    expect(pkg.files).toEqual(["/usr/bin&/super_kernel", "/usr/bin/supe&&r_kernel", "/usr/bin/super_kernel"]);
    expect(repo.packageUrls(0)[0]).toMatch(/\/super_kernel&-6\.0\.1-2\.x86_64\.rpm$/);
  });

  it("parses the long primary completely", async () => {
    const text = read("long_primary.xml");
    const repo = await load([{ type: "primary", content: text }]);
    expect(repo.count).toBe(text.match(/<package type=/g)?.length);
  });

  it("truncated XML is REPO_BAD_XML with the byte offset", async () => {
    const text = read("long_primary.xml");
    const error = await failure([{ type: "primary", content: text.slice(0, Math.floor(text.length / 2)) }]);
    expect(error.code).toBe("REPO_BAD_XML");
    expect(error.message).toMatch(/^repo "malformed": file:\/\/.*-primary\.xml\.gz: malformed XML: byte \d+: /);
  });

  it("non-XML content is REPO_BAD_XML; a non-primary root is REPO_BAD_METADATA", async () => {
    expect((await failure([{ type: "primary", content: "this is not xml" }])).code).toBe("REPO_BAD_XML");
    const other = await failure([{ type: "primary", content: read("error_00-other.xml") }]);
    expect(other.code).toBe("REPO_BAD_METADATA");
    expect(other.message).toContain("not a primary.xml: the root element is <otherdata>");
  });

  it("garbage that claims to be gzip is REPO_BAD_COMPRESSION", async () => {
    const bytes = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from("definitely not deflate data")]);
    const error = await failure([{ type: "primary", content: bytes, compression: "none", openChecksum: null }]);
    expect(error.code).toBe("REPO_BAD_COMPRESSION");
    expect(error.message).toMatch(/^repo "malformed": file:\/\/.*-primary\.xml: cannot decompress \(gzip\)/);
  });

  for (const compression of ["none", "gzip", "xz", "bzip2", "zstd"] as const) {
    it(`reads ${compression} metadata (and a truncated ${compression} file is a clear error)`, async () => {
      const text = read("long_primary.xml");
      const repo = await load([{ type: "primary", content: text, compression }]);
      expect(repo.count).toBe(text.match(/<package type=/g)?.length);
      const work = tempDir();
      dirs.push(work.cleanup);
      writeTestRepo(work.dir, [{ type: "primary", content: text, compression }]);
      const { readdirSync, readFileSync, writeFileSync } = await import("node:fs");
      const dir = path.join(work.dir, "repodata");
      const file = path.join(dir, readdirSync(dir).find((n) => n.includes("-primary")) as string);
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      // Keep repomd's checksum consistent with the cut file, so that decompression itself must notice.
      const { createHash } = await import("node:crypto");
      const repomdFile = path.join(dir, "repomd.xml");
      const cut = readFileSync(file);
      writeFileSync(
        repomdFile,
        readFileSync(repomdFile, "utf8")
          .replace(
            /<checksum type="sha256">\w+</,
            `<checksum type="sha256">${createHash("sha256").update(cut).digest("hex")}<`,
          )
          .replace(/<size>\d+</, `<size>${cut.length}<`),
      );
      const error = await loadRepo(makeRepoConfig("malformed", { baseurl: [pathToFileURL(work.dir).href] })).catch(
        (err: unknown) => err as Error & { code: string },
      );
      expect(isGroveError(error)).toBe(true);
      expect(error.code).toBe(compression === "none" ? "REPO_BAD_XML" : "REPO_BAD_COMPRESSION");
      expect(error.message).toMatch(/^repo "malformed": file:\/\/.*-primary\.xml/);
    });
  }

  it("decompressed data beyond repomd's open-size stops the parse at once (REPO_SIZE_MISMATCH)", async () => {
    const work = tempDir();
    dirs.push(work.cleanup);
    const text = read("long_primary.xml");
    const repomd = writeTestRepo(work.dir, [{ type: "primary", content: text }]);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      path.join(work.dir, "repodata/repomd.xml"),
      repomd.replace("<size>", "<open-size>1000</open-size>\n    <size>"),
    );
    const error = await loadRepo(makeRepoConfig("malformed", { baseurl: [pathToFileURL(work.dir).href] })).catch(
      (err: unknown) => err as Error,
    );
    expect(error).toMatchObject({ code: "REPO_SIZE_MISMATCH" });
    expect(error.message).toContain("more than the 1000 bytes repomd.xml announces (open-size)");
  });

  it("a wrong open-checksum is fatal when repomd gives no checksum of the file itself", async () => {
    const work = tempDir();
    dirs.push(work.cleanup);
    const repomd = writeTestRepo(work.dir, [
      { type: "primary", content: read("unknown_element_00-primary.xml"), openChecksum: "0".repeat(64) },
    ]);
    // Drop the <checksum> line so that only the open-checksum protects the data.
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(work.dir, "repodata/repomd.xml"), repomd.replace(/ *<checksum [^\n]*\n/, ""));
    const error = await loadRepo(makeRepoConfig("malformed", { baseurl: [pathToFileURL(work.dir).href] })).catch(
      (err: unknown) => err as Error & { code: string },
    );
    expect(error).toMatchObject({ code: "REPO_CHECKSUM_MISMATCH" });
    expect((error as Error).message).toContain(
      "open-checksum (of the decompressed data) mismatch: expected sha256 0000",
    );
  });

  it("repomd <data> without a type is ignored; a missing primary file is REPO_NOT_FOUND naming its URL", async () => {
    const work = tempDir();
    dirs.push(work.cleanup);
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(path.join(work.dir, "repodata"));
    writeFileSync(path.join(work.dir, "repodata/repomd.xml"), read("missing_type-repomd.xml"));
    const base = pathToFileURL(work.dir).href;
    const error = await loadRepo(makeRepoConfig("malformed", { baseurl: [base] })).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: "REPO_NOT_FOUND" });
    expect((error as Error).message).toBe(
      `repo "malformed": ${base}/repodata/6c662d665c24de9a0f62c17d8fa50622307739d7376f0d19097ca96c6d7f5e3e-primary.xml.gz: file not found`,
    );
  });

  const primary = (): TestMetadataFile => ({ type: "primary", content: read("unknown_element_00-primary.xml") });

  for (const name of ["error_00-filelists.xml", "no_pkgid-filelists.xml"]) {
    it(`${name}: a filelists package without pkgid is REPO_BAD_METADATA`, async () => {
      const error = await failure([primary(), { type: "filelists", content: read(name) }], true);
      expect(error.code).toBe("REPO_BAD_METADATA");
      expect(error.message).toMatch(/-filelists\.xml\.gz: package "(fake_bash|super_kernel)" \(#\d\) has no pkgid$/);
    });
  }

  it("unknown_element_01-filelists.xml: a <package> inside an unknown element is ignored", async () => {
    const repo = await load([primary(), { type: "filelists", content: read("unknown_element_01-filelists.xml") }]);
    const lists = await loadFilelists(repo);
    expect(lists.files(0)).toEqual(["/usr/bin/fake_bash"]);
    expect(lists.files(1)).toEqual([]);
  });

  for (const name of [
    "bad_file_type-filelists.xml",
    "multiple_warnings_00-filelists.xml",
    "repo_02_different_order_filelists.xml",
    "unknown_element_00-filelists.xml",
    "unknown_element_02-filelists.xml",
  ]) {
    it(`${name}: file lists attach to the right packages`, async () => {
      const repo = await load([primary(), { type: "filelists", content: read(name) }]);
      const lists = await loadFilelists(repo);
      expect(repo.packages.name(0)).toBe("fake_bash");
      expect(lists.files(0)).toEqual(["/usr/bin/fake_bash"]);
      expect(lists.files(1)).toEqual(
        expect.arrayContaining(["/usr/bin/super_kernel", "/usr/share/man/super_kernel.8.gz"]),
      );
    });
  }
});
