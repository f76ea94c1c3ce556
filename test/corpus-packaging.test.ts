/**
 * The corpus converter end to end on a hand-made .deb: our tar reader against GNU tar's archives, extraction,
 * the generated spec, and the RPM rpmbuild makes of it, checked with `rpm -qp` as the oracle.
 */
import { spawnSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { isGroveError } from "@grove/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertDeb, sha256File } from "../bench/corpus/convert-deb.js";
import { extractDebData } from "../bench/corpus/deb-package.js";
import { BASE_VARIANT } from "../bench/corpus/spec-from-deb.js";
import { specPath } from "../bench/corpus/spec-writer.js";
import { readTar, type TarEntry } from "../bench/corpus/tar-reader.js";

const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const tools = ["tar", "dpkg-deb", "rpmbuild", "rpm"];
const missing = tools.filter((t) => !haveTool(t));
if (missing.length > 0 && process.env.CI) throw new Error(`corpus packaging tests need ${missing.join(", ")}`);
const skip = missing.length > 0;
if (skip) console.warn(`skipping corpus packaging tests: ${missing.join(", ")} not installed`);

const LONG_DIR = `usr/share/${"deep-directory-name/".repeat(6)}end`;
const ODD_NAMES = ["with space", "per%cent", "br[ack]et", "st*r", "q?m", "c{u,r}l", "ünïcode"];

let work: string;

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A package tree with the shapes the converter must keep: odd names, long paths, links, a conffile. */
function makeTree(root: string): void {
  mkdirSync(path.join(root, "DEBIAN"), { recursive: true });
  mkdirSync(path.join(root, LONG_DIR), { recursive: true });
  mkdirSync(path.join(root, "etc/demo"), { recursive: true });
  mkdirSync(path.join(root, "usr/bin"), { recursive: true });
  mkdirSync(path.join(root, "usr/share/demo"), { recursive: true });
  mkdirSync(path.join(root, "usr/share/locale/de/LC_MESSAGES"), { recursive: true });
  mkdirSync(path.join(root, "usr/share/doc/demo"), { recursive: true });
  writeFileSync(path.join(root, LONG_DIR, "file-at-the-end-of-a-long-path.txt"), "long\n");
  writeFileSync(path.join(root, "etc/demo/demo.conf"), "key = value\n");
  writeFileSync(path.join(root, "usr/bin/demo"), "#!/bin/sh\necho demo\n", { mode: 0o4755 });
  linkSync(path.join(root, "usr/bin/demo"), path.join(root, "usr/bin/demo-hardlink"));
  symlinkSync("demo", path.join(root, "usr/bin/demo-symlink"));
  writeFileSync(path.join(root, "usr/share/locale/de/LC_MESSAGES/demo.mo"), "mo");
  writeFileSync(path.join(root, "usr/share/doc/demo/copyright"), "public domain\n");
  for (const name of ODD_NAMES) writeFileSync(path.join(root, "usr/share/demo", name), `${name}\n`);
  writeFileSync(path.join(root, "DEBIAN/conffiles"), "/etc/demo/demo.conf\n");
  writeFileSync(
    path.join(root, "DEBIAN/control"),
    [
      "Package: corpus-demo",
      "Version: 1:2.0-3+deb12u1",
      "Architecture: amd64",
      "Maintainer: Nobody <nobody@example.invalid>",
      "Section: misc",
      "Pre-Depends: libc6 (>= 2.34)",
      "Depends: debconf (>= 0.5) | debconf-2.0, base-files",
      "Provides: demo-virtual, demo-versioned (= 1.5)",
      "Conflicts: old-demo",
      "Breaks: demo-legacy (<< 2)",
      "Recommends: demo-extras",
      "Description: demo package for the corpus tests",
      " Long description line with 100% literal text.",
      " .",
      " %files on a line of its own must stay text.",
      "",
    ].join("\n"),
  );
}

beforeAll(() => {
  if (skip) return;
  work = mkdtempSync(path.join(tmpdir(), "corpus-packaging-"));
  makeTree(path.join(work, "tree"));
  run("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", path.join(work, "tree"), path.join(work, "demo.deb")]);
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

async function tarEntries(archive: string): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const { entry, content } of readTar(Readable.from([readFileSync(archive)]), archive)) {
    let bytes = 0;
    for await (const piece of content) bytes += piece.length;
    expect(bytes).toBe(entry.size);
    out.push(entry);
  }
  return out;
}

describe.skipIf(skip)("readTar", () => {
  for (const format of ["gnu", "pax", "ustar"]) {
    it(`reads what GNU tar writes in ${format} format`, async () => {
      const archive = path.join(work, `tree-${format}.tar`);
      run("tar", [
        `--format=${format}`,
        "--owner=www-data:33",
        "--group=adm:4",
        "--mtime=@1700000000",
        "-cf",
        archive,
        "-C",
        path.join(work, "tree"),
        "usr",
      ]);
      const entries = await tarEntries(archive);
      const listed = run("tar", ["--quoting-style=literal", "-tf", archive]).trim().split("\n");
      expect(entries.map((e) => e.path)).toEqual(listed);
      const byPath = new Map(entries.map((e) => [e.path.replace(/\/$/, ""), e]));
      expect(byPath.get(`usr/${LONG_DIR.slice(4)}/file-at-the-end-of-a-long-path.txt`)).toMatchObject({
        type: "file",
        size: 5,
        uname: "www-data",
        gname: "adm",
        uid: 33,
        gid: 4,
        mtime: 1700000000,
      });
      // tar stores the first name it meets as the file and the other as a hard link to it
      const pair = [byPath.get("usr/bin/demo"), byPath.get("usr/bin/demo-hardlink")];
      const stored = pair.find((e) => e?.type === "file");
      const linked = pair.find((e) => e?.type === "hardlink");
      expect(stored?.mode).toBe(0o4755);
      expect(linked?.linkTarget).toBe(stored?.path);
      expect(byPath.get("usr/bin/demo-symlink")).toMatchObject({ type: "symlink", linkTarget: "demo" });
      expect(byPath.get("usr/share/demo/ünïcode")).toMatchObject({
        type: "file",
        size: Buffer.byteLength("ünïcode\n"),
      });
    });
  }

  it("rejects a corrupted header and a truncated archive with CORPUS_BAD_TAR", async () => {
    const good = readFileSync(path.join(work, "tree-gnu.tar"));
    const corrupt = Buffer.from(good);
    corrupt[0] = (corrupt[0] ?? 0) ^ 0xff;
    const truncated = good.subarray(0, 512 + 100);
    for (const bytes of [corrupt, truncated]) {
      let caught: unknown;
      try {
        for await (const { content } of readTar(Readable.from([bytes]), "broken.tar")) for await (const _ of content);
      } catch (err) {
        caught = err;
      }
      expect(isGroveError(caught) && caught.code === "CORPUS_BAD_TAR").toBe(true);
    }
  });
});

describe.skipIf(skip)("extractDebData", () => {
  it("extracts every member with its exact mode, owner and links", async () => {
    const stage = path.join(work, "stage");
    const entries = await extractDebData(path.join(work, "demo.deb"), stage);
    const listed = run("dpkg-deb", ["--fsys-tarfile", path.join(work, "demo.deb")]);
    expect(listed.length).toBeGreaterThan(0);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get("/")?.type).toBe("directory");
    const pair = [byPath.get("/usr/bin/demo"), byPath.get("/usr/bin/demo-hardlink")];
    expect(pair.find((e) => e?.type === "file")).toMatchObject({ mode: 0o4755, user: "root", group: "root" });
    expect(pair.find((e) => e?.type === "hardlink")?.linkTarget).toBe(pair.find((e) => e?.type === "file")?.path);
    expect(byPath.get("/usr/bin/demo-symlink")).toMatchObject({ type: "symlink", linkTarget: "demo" });
    expect(readFileSync(path.join(stage, "usr/share/demo/per%cent"), "utf8")).toBe("per%cent\n");
    rmSync(stage, { recursive: true });
  });
});

describe("specPath", () => {
  it("quotes, doubles % and neutralises glob characters", () => {
    expect(specPath("/a b/p%c/[x]*?{y}")).toBe('"/a b/p%%c/[[]x][*][?]{y}"');
    expect(() => specPath('/bad"quote')).toThrow(/quote/);
  });
});

/** `rpm -qp --qf` with one line per file. */
function rpmFiles(rpm: string): Map<string, string[]> {
  const out = run("rpm", [
    "-qp",
    "--qf",
    "[%{FILENAMES}\\t%{FILEMODES:octal}\\t%{FILEUSERNAME}\\t%{FILEGROUPNAME}\\t%{FILEFLAGS:fflags}\\t%{FILELINKTOS}\\t%{FILEINODES}\\t%{FILELANGS}\\n]",
    rpm,
  ]);
  return new Map(
    out
      .trim()
      .split("\n")
      .map((line) => {
        const [name = "", ...rest] = line.split("\t");
        return [name, rest];
      }),
  );
}

describe.skipIf(skip)("convertDeb", () => {
  it("builds an RPM that rpm reads back with the Debian metadata, files and attributes", async () => {
    const deb = path.join(work, "demo.deb");
    const cacheDir = path.join(work, "cache");
    const request = {
      debPath: deb,
      debSha256: await sha256File(deb),
      name: "corpus-demo",
      cacheDir,
      variant: BASE_VARIANT,
      variantKey: "base",
    };
    const result = await convertDeb(request);
    expect(result.cached).toBe(false);
    expect(result.pkg.rpmFile).toBe("corpus-demo-2.0-3+deb12u1.x86_64.rpm");
    const info = run("rpm", ["-qp", "--qf", "%{EPOCH}|%{VERSION}|%{RELEASE}|%{ARCH}|%{SUMMARY}", result.rpmPath]);
    expect(info).toBe("1|2.0|3+deb12u1|x86_64|demo package for the corpus tests");
    const description = run("rpm", ["-qp", "--qf", "%{DESCRIPTION}", result.rpmPath]);
    expect(description).toContain("100% literal text.");
    expect(description).toContain("%files on a line of its own must stay text.");
    const requires = run("rpm", ["-qp", "--requires", result.rpmPath]).trim().split("\n");
    expect(requires).toEqual(
      expect.arrayContaining(["libc6 >= 2.34-0", "(debconf >= 0.5-0 or debconf-2.0)", "base-files"]),
    );
    expect(requires.some((r) => r.startsWith("rpmlib(RichDependencies)"))).toBe(true);
    const provides = run("rpm", ["-qp", "--provides", result.rpmPath]).trim().split("\n");
    expect(provides).toEqual(
      expect.arrayContaining([
        "demo-virtual = 1:2.0-3+deb12u1",
        "demo-versioned = 1.5-0",
        "corpus-demo = 1:2.0-3+deb12u1",
      ]),
    );
    const conflicts = run("rpm", ["-qp", "--conflicts", result.rpmPath]).trim().split("\n");
    expect(conflicts.sort()).toEqual(["demo-legacy < 2-0", "old-demo"]);
    expect(run("rpm", ["-qp", "--recommends", result.rpmPath]).trim()).toBe("demo-extras");

    const files = rpmFiles(result.rpmPath);
    expect(files.has("/usr/bin")).toBe(false); // the base hierarchy belongs to base-files
    expect(files.get("/usr/share/demo")?.slice(0, 3)).toEqual(["40755", "root", "root"]);
    expect(files.get("/etc/demo/demo.conf")?.slice(0, 4)).toEqual(["100644", "root", "root", "cn"]);
    const demo = files.get("/usr/bin/demo");
    const hard = files.get("/usr/bin/demo-hardlink");
    expect(demo?.[0]).toBe("104755");
    expect(demo?.[5]).toBe(hard?.[5]); // same inode: a hard link
    expect(files.get("/usr/bin/demo-symlink")?.[4]).toBe("demo");
    expect(files.get("/usr/share/locale/de/LC_MESSAGES/demo.mo")?.[6]).toBe("de");
    for (const name of ODD_NAMES) expect(files.has(`/usr/share/demo/${name}`)).toBe(true);
    expect(files.has(`/${LONG_DIR}/file-at-the-end-of-a-long-path.txt`)).toBe(true);

    expect((await convertDeb(request)).cached).toBe(true);
  });
});
