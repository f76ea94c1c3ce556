/**
 * Acceptance test of the benchmark corpus: build the bash set from real Debian packages, install it with
 * `dnf --installroot` (the reference tool) and check the result, then build an update repository and upgrade.
 *
 * Needs root (dnf --installroot) and Debian's apt, dpkg-deb, rpmbuild, createrepo_c, dnf and rpm. The download and
 * conversion cache is reused across runs: `$GROVE_CORPUS_CACHE`, else `bench/cache/`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { convertDeb } from "../bench/corpus/convert-deb.js";
import { buildCorpus, buildUpdate, type CorpusResult } from "../bench/corpus/corpus-builder.js";
import { BASE_VARIANT } from "../bench/corpus/spec-from-deb.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = process.env.GROVE_CORPUS_CACHE ?? path.join(repoRoot, "bench", "cache");

const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missing = ["apt-get", "dpkg-deb", "rpmbuild", "createrepo_c", "dnf", "rpm"].filter((t) => !haveTool(t));
if (missing.length > 0 && process.env.CI) throw new Error(`the corpus acceptance test needs ${missing.join(", ")}`);
const isRoot = process.getuid?.() === 0;
const skipReason =
  missing.length > 0 ? `${missing.join(", ")} not installed` : isRoot ? undefined : "dnf --installroot needs root";
if (skipReason !== undefined) console.warn(`skipping the corpus acceptance test: ${skipReason}`);

const work = skipReason === undefined ? mkdtempSync(path.join(tmpdir(), "corpus-acceptance-")) : "";
const LONG = 30 * 60 * 1000;

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

/** rpm and dnf with `%_dbpath /usr/lib/sysimage/rpm` (Debian's rpm defaults to ~/.rpmdb). */
function referenceEnv(): NodeJS.ProcessEnv {
  const home = path.join(work, "home");
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, ".rpmmacros"), "%_dbpath /usr/lib/sysimage/rpm\n");
  return { ...process.env, HOME: home, LC_ALL: "C" };
}

function run(cmd: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: referenceEnv(), maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** `dnf --installroot` with the corpus repositories only. */
function dnf(root: string, repos: Record<string, string>, ...args: string[]) {
  return run("dnf", [
    `--installroot=${root}`,
    ...Object.entries(repos).map(([id, dir]) => `--repofrompath=${id},${dir}`),
    ...Object.keys(repos).map((id) => `--repo=${id}`),
    "--setopt=install_weak_deps=False",
    `--setopt=cachedir=${root}-dnf-cache`,
    "--releasever=12",
    "-y",
    "--nogpgcheck",
    ...args,
  ]);
}

/** Output lines that mean the transaction was not clean (dnf's own package list mentions libgpg-error). */
function complaints(output: string): string[] {
  return output.split("\n").filter((line) => /warning|error|fail/i.test(line) && !/libgpg-error/.test(line));
}

describe.skipIf(skipReason !== undefined)("benchmark corpus: bash set", () => {
  const outDir = path.join(work, "bash");
  const root = path.join(work, "root");
  let corpus: CorpusResult;

  it(
    "builds the closure of bash plus the Essential set as RPMs with repodata",
    async () => {
      corpus = await buildCorpus({ outDir, packages: ["bash"], cacheDir });
      const names = corpus.manifest.packages.map((p) => p.name);
      for (const name of ["bash", "libc6", "base-files", "base-passwd", "dash", "coreutils", "usr-is-merged"]) {
        expect(names).toContain(name);
      }
      expect(corpus.manifest.installSet).toEqual(expect.arrayContaining(["bash", "coreutils", "usr-is-merged"]));
      expect(existsSync(path.join(outDir, "repodata", "repomd.xml"))).toBe(true);
      const compressors = run("rpm", [
        "-qp",
        "--qf",
        "%{PAYLOADCOMPRESSOR}\\n",
        ...corpus.manifest.packages.map((p) => path.join(outDir, "Packages", p.rpmFile[0] ?? "", p.rpmFile)),
      ]);
      expect(compressors.status).toBe(0);
      expect(new Set(compressors.output.trim().split("\n"))).toEqual(new Set(["zstd", "xz", "gzip"]));
      const passwd = run("rpm", ["-qpc", path.join(outDir, "Packages", "b", pkgFile(corpus, "base-passwd"))]);
      expect(passwd.output.trim().split("\n").sort()).toEqual(["/etc/group", "/etc/passwd"]);
    },
    LONG,
  );

  it(
    "converts reproducibly: a fresh cache yields the same package bytes",
    async () => {
      const pkg = corpus.manifest.packages.find((p) => p.name === "base-passwd")!;
      const fresh = await convertDeb({
        debPath: path.join(cacheDir, "debs", pkg.debFile),
        debSha256: pkg.debSha256,
        name: pkg.name,
        cacheDir: path.join(work, "fresh-cache"),
        variant: BASE_VARIANT,
        variantKey: "base",
      });
      expect(fresh.cached).toBe(false);
      expect(fresh.pkg.rpmSha256).toBe(pkg.rpmSha256);
    },
    LONG,
  );

  it(
    "installs cleanly with dnf --installroot, scriptlets included",
    () => {
      const result = dnf(root, { corpus: outDir }, "install", ...corpus.manifest.installSet);
      expect(result.status, result.output).toBe(0);
      expect(complaints(result.output)).toEqual([]);
      const installed = run("rpm", ["--root", root, "-qa"]).output.trim().split("\n");
      expect(installed).toHaveLength(corpus.manifest.packages.length);
      expect(readFileSync(path.join(root, "etc/passwd"), "utf8")).toMatch(/^root:[^:]*:0:0:/);
      expect(readFileSync(path.join(root, "etc/shells"), "utf8")).toContain("/bin/bash"); // bash %posttrans
      expect(existsSync(path.join(root, "etc/ld.so.cache"))).toBe(true); // libc6 %post -p /sbin/ldconfig
      const verify = run("rpm", ["--root", root, "-Va"]);
      expect(verify.output.trim()).toBe("");
      const shell = spawnSync("chroot", [root, "/bin/bash", "-c", "echo $((6 * 7))"], { encoding: "utf8" });
      expect(shell.stdout.trim()).toBe("42");
    },
    LONG,
  );

  it(
    "builds an update repository that dnf upgrades to, with the changed content",
    async () => {
      const updateDir = path.join(work, "update");
      const update = await buildUpdate({ outDir: updateDir, packages: ["dash"], cacheDir });
      const [dash] = update.manifest.packages;
      const before = corpus.manifest.packages.find((p) => p.name === "dash")!;
      expect(dash?.evr.release).toBe(`${before.evr.release}.1`);
      expect(dash?.changedPath).toBe("/usr/share/doc/dash/changelog.Debian.gz");
      const oldBytes = readFileSync(path.join(root, dash!.changedPath!));
      const result = dnf(root, { corpus: outDir, updates: updateDir }, "upgrade");
      expect(result.status, result.output).toBe(0);
      expect(complaints(result.output)).toEqual([]);
      const query = run("rpm", ["--root", root, "-q", "--qf", "%{VERSION}-%{RELEASE}", "dash"]);
      expect(query.output).toBe(`${dash!.evr.version}-${dash!.evr.release}`);
      expect(readFileSync(path.join(root, dash!.changedPath!)).equals(oldBytes)).toBe(false);
    },
    LONG,
  );
});

function pkgFile(result: CorpusResult, name: string): string {
  const pkg = result.manifest.packages.find((p) => p.name === name);
  if (pkg === undefined) throw new Error(`${name} is not in the corpus`);
  return pkg.rpmFile;
}
