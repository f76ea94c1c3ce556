/**
 * Helpers for the solver's oracle tests: write metadata-only rpm-md repositories (primary.xml, filelists.xml,
 * repomd.xml) for synthetic packages, run the real `dnf` on them with an empty install root, and parse its
 * transaction table or its problem report.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import type { Dependency } from "@grove/rpm";
import type { SolverPackage } from "../packages/repo/src/solver/index.js";

const run = promisify(execFile);

/** A package for a synthetic repository: the solver's view plus the files only filelists.xml lists. */
export interface RepoEntry {
  pkg: SolverPackage;
  /** Files beyond the primary ones (only in filelists.xml). */
  extraFiles?: string[];
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const FLAG_WORDS: Record<number, string> = { 2: "LT", 4: "GT", 8: "EQ", 10: "LE", 12: "GE" };

function entry(dep: Dependency): string {
  const sense = dep.flags & 14;
  if (sense === 0 || dep.evr === "") return `<rpm:entry name="${xml(dep.name)}"/>`;
  const m = /^(?:(\d+):)?([^-]*)(?:-(.*))?$/.exec(dep.evr) as RegExpExecArray;
  const rel = m[3] === undefined ? "" : ` rel="${xml(m[3])}"`;
  return `<rpm:entry name="${xml(dep.name)}" flags="${FLAG_WORDS[sense]}" epoch="${m[1] ?? "0"}" ver="${xml(m[2] ?? "")}"${rel}/>`;
}

function isPrimary(file: string): boolean {
  return file.startsWith("/etc/") || file.includes("bin/") || file === "/usr/lib/sendmail";
}

/**
 * Write a metadata-only repository into `dir` (primary, filelists and repomd.xml; no package files).
 *
 * @param dir - the repository directory (created)
 * @param entries - the packages
 */
export function writeRepo(dir: string, entries: readonly RepoEntry[]): void {
  const primary: string[] = [];
  const filelists: string[] = [];
  entries.forEach(({ pkg, extraFiles }, i) => {
    const nevr = `${pkg.name}-${pkg.version}-${pkg.release}`;
    const pkgid = createHash("sha256").update(`${nevr}.${pkg.arch}#${i}`).digest("hex");
    const files = [...(pkg.files ?? []), ...(extraFiles ?? [])];
    const section = (tag: string, deps: readonly Dependency[] | undefined): string =>
      deps === undefined || deps.length === 0 ? "" : `<rpm:${tag}>${deps.map(entry).join("")}</rpm:${tag}>`;
    const d = pkg.dependencies;
    primary.push(
      `<package type="rpm"><name>${xml(pkg.name)}</name><arch>${pkg.arch}</arch>` +
        `<version epoch="${pkg.epoch}" ver="${xml(pkg.version)}" rel="${xml(pkg.release)}"/>` +
        `<checksum type="sha256" pkgid="YES">${pkgid}</checksum><summary>${xml(pkg.name)}</summary>` +
        `<description>${xml(pkg.name)}</description><packager/><url/><time file="1" build="1"/>` +
        `<size package="1000" installed="1000" archive="1000"/><location href="${xml(nevr)}.${pkg.arch}.rpm"/>` +
        `<format><rpm:license>MIT</rpm:license><rpm:vendor/><rpm:group>Unspecified</rpm:group>` +
        `<rpm:buildhost>localhost</rpm:buildhost><rpm:sourcerpm>${xml(nevr)}.src.rpm</rpm:sourcerpm>` +
        `<rpm:header-range start="0" end="1000"/>` +
        section("provides", d.provides) +
        section("requires", d.requires) +
        section("conflicts", d.conflicts) +
        section("obsoletes", d.obsoletes) +
        section("suggests", d.suggests) +
        section("enhances", d.enhances) +
        section("recommends", d.recommends) +
        section("supplements", d.supplements) +
        files
          .filter(isPrimary)
          .map((f) => `<file>${xml(f)}</file>`)
          .join("") +
        `</format></package>`,
    );
    filelists.push(
      `<package pkgid="${pkgid}" name="${xml(pkg.name)}" arch="${pkg.arch}">` +
        `<version epoch="${pkg.epoch}" ver="${xml(pkg.version)}" rel="${xml(pkg.release)}"/>` +
        files.map((f) => `<file>${xml(f)}</file>`).join("") +
        `</package>`,
    );
  });
  const files: Array<{ type: string; name: string; text: string }> = [
    {
      type: "primary",
      name: "primary.xml",
      text:
        `<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" ` +
        `xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="${entries.length}">\n${primary.join("\n")}\n</metadata>\n`,
    },
    {
      type: "filelists",
      name: "filelists.xml",
      text:
        `<?xml version="1.0" encoding="UTF-8"?>\n<filelists xmlns="http://linux.duke.edu/metadata/filelists" ` +
        `packages="${entries.length}">\n${filelists.join("\n")}\n</filelists>\n`,
    },
  ];
  mkdirSync(path.join(dir, "repodata"), { recursive: true });
  const records = files.map((file) => {
    const raw = Buffer.from(file.text);
    const gz = gzipSync(raw);
    const sum = createHash("sha256").update(gz).digest("hex");
    const href = `repodata/${sum}-${file.name}.gz`;
    writeFileSync(path.join(dir, href), gz);
    return (
      `<data type="${file.type}"><checksum type="sha256">${sum}</checksum>` +
      `<open-checksum type="sha256">${createHash("sha256").update(raw).digest("hex")}</open-checksum>` +
      `<location href="${href}"/><timestamp>1</timestamp><size>${gz.length}</size><open-size>${raw.length}</open-size></data>`
    );
  });
  writeFileSync(
    path.join(dir, "repodata", "repomd.xml"),
    `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo" ` +
      `xmlns:rpm="http://linux.duke.edu/metadata/rpm"><revision>1</revision>${records.join("")}</repomd>\n`,
  );
}

/** A repository as dnf gets it. */
export interface DnfRepo {
  /** Repository id. */
  id: string;
  /** Its directory. */
  dir: string;
  /** dnf priority. */
  priority?: number;
  /** dnf cost. */
  cost?: number;
}

/** What dnf decided. */
export interface DnfResult {
  /** NEVRA (`name-[epoch:]version-release.arch`) to the table section and repository it was listed with. */
  install: Map<string, { section: string; repo: string }>;
  /** Installed packages listed as `replacing` (obsoleted), as NEVRAs. */
  replaced: string[];
  /** dnf's problem lines when it found no solution (`Problem: x` and `  - y` lines, prefixes removed). */
  problems: string[][];
  /** The full output. */
  output: string;
}

/**
 * Run `dnf --assumeno install` in a fresh empty install root and parse the outcome.
 *
 * @param repos - the repositories
 * @param specs - what to install
 * @param weakDeps - dnf's install_weak_deps
 */
export async function dnfInstall(
  repos: readonly DnfRepo[],
  specs: readonly string[],
  weakDeps: boolean,
): Promise<DnfResult> {
  return dnfRun(repos, ["install", ...specs], weakDeps);
}

/**
 * Run a dnf command with `--assumeno` and parse the outcome.
 *
 * @param repos - the repositories
 * @param command - the command and its arguments (`["upgrade"]`, `["install", "foo"]`)
 * @param weakDeps - dnf's install_weak_deps
 * @param installRoot - an install root holding an rpmdb (default: a fresh empty one)
 */
export async function dnfRun(
  repos: readonly DnfRepo[],
  command: readonly string[],
  weakDeps: boolean,
  installRoot?: string,
): Promise<DnfResult> {
  const root = installRoot ?? mkdtempSync(path.join(os.tmpdir(), "grove-dnf-root-"));
  const args = [
    `--installroot=${root}`,
    "--releasever=1",
    "--setopt=reposdir=/dev/null",
    "--setopt=gpgcheck=False",
    "--setopt=best=True",
    `--setopt=install_weak_deps=${weakDeps ? "True" : "False"}`,
    `--setopt=cachedir=${path.join(root, "cache")}`,
  ];
  for (const repo of repos) {
    args.push(`--repofrompath=${repo.id},${repo.dir}`);
    if (repo.priority !== undefined) args.push(`--setopt=${repo.id}.priority=${repo.priority}`);
    if (repo.cost !== undefined) args.push(`--setopt=${repo.id}.cost=${repo.cost}`);
  }
  args.push("--assumeno", ...command);
  let output: string;
  try {
    const done = await run("dnf", args, { maxBuffer: 64 << 20, env: { ...process.env, LC_ALL: "C.UTF-8" } });
    output = done.stdout + done.stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    output = (e.stdout ?? "") + (e.stderr ?? "");
  } finally {
    if (installRoot === undefined) rmSync(root, { recursive: true, force: true });
    else rmSync(path.join(root, "cache"), { recursive: true, force: true });
  }
  const replaced = [...output.matchAll(/^\s+replacing\s+(\S+)\.([^.\s]+) (\S+)$/gm)].map(
    (m) => `${m[1]}-${m[3]}.${m[2]}`,
  );
  return { install: parseTransaction(output), replaced, problems: parseProblems(output), output };
}

/** Parse dnf's transaction table (long names wrap onto continuation lines). */
export function parseTransaction(output: string): Map<string, { section: string; repo: string }> {
  const entries: Array<{ section: string; text: string }> = [];
  let section: string | undefined;
  for (const line of output.split("\n")) {
    if (/^[A-Z][A-Za-z ]*:$/.test(line)) {
      section = line.slice(0, -1);
      continue;
    }
    if (line.trim() === "" || line.startsWith("Transaction Summary")) {
      section = undefined;
      continue;
    }
    if (section === undefined || line.startsWith("=")) continue;
    if (/^\s+replacing\s/.test(line)) continue;
    if (/^ \S/.test(line)) entries.push({ section, text: line.trim() });
    else if (/^\s{2,}\S/.test(line) && entries.length > 0) {
      const last = entries[entries.length - 1] as { text: string };
      last.text += ` ${line.trim()}`;
    }
  }
  const out = new Map<string, { section: string; repo: string }>();
  for (const { section: s, text } of entries) {
    const [name, arch, version, repo] = text.split(/\s+/);
    if (name !== undefined && arch !== undefined && version !== undefined) {
      out.set(`${name}-${version}.${arch}`, { section: s, repo: repo ?? "" });
    }
  }
  return out;
}

/**
 * Make an install root whose rpmdb holds `packages` (built as empty noarch RPMs with rpmbuild, registered with
 * `rpm --justdb`).
 *
 * @param root - the install root directory (created)
 * @param packages - the installed packages (noarch)
 * @returns the NEVRAs rpm registered, in rpmdb order (which is dnf's installed order); a package another one
 *   obsoletes is left out by rpm
 */
export async function makeInstalledRoot(root: string, packages: readonly SolverPackage[]): Promise<string[]> {
  const top = path.join(root, "..", `${path.basename(root)}-rpmbuild`);
  mkdirSync(path.join(top, "SPECS"), { recursive: true });
  mkdirSync(root, { recursive: true });
  const rpms: string[] = [];
  for (const pkg of packages) {
    const lines = [`Name: ${pkg.name}`, `Version: ${pkg.version}`, `Release: ${pkg.release}`];
    if (pkg.epoch > 0) lines.push(`Epoch: ${pkg.epoch}`);
    lines.push("Summary: test package", "License: MIT", "BuildArch: noarch");
    const tags: Array<[keyof SolverPackage["dependencies"], string]> = [
      ["provides", "Provides"],
      ["requires", "Requires"],
      ["conflicts", "Conflicts"],
      ["obsoletes", "Obsoletes"],
      ["recommends", "Recommends"],
      ["suggests", "Suggests"],
      ["supplements", "Supplements"],
      ["enhances", "Enhances"],
    ];
    for (const [kind, tag] of tags) {
      for (const dep of pkg.dependencies[kind] ?? []) {
        if (kind === "provides" && dep.name === pkg.name) continue;
        const text =
          dep.name.startsWith("(") || (dep.flags & 14) === 0
            ? dep.name
            : `${dep.name} ${FLAG_TEXT[dep.flags & 14]} ${dep.evr}`;
        lines.push(`${tag}: ${text}`);
      }
    }
    lines.push("%description", "test package", "%files", "");
    const spec = path.join(top, "SPECS", `${pkg.name}-${pkg.version}-${pkg.release}.spec`);
    writeFileSync(spec, lines.join("\n"));
    await run("rpmbuild", ["-bb", "--define", `_topdir ${top}`, spec]);
    const epoch = "";
    rpms.push(path.join(top, "RPMS", "noarch", `${pkg.name}-${epoch}${pkg.version}-${pkg.release}.noarch.rpm`));
  }
  await run("rpm", ["--root", root, "--initdb"]);
  if (rpms.length > 0) await run("rpm", ["--root", root, "-i", "--justdb", "--nodeps", "--noscripts", ...rpms]);
  rmSync(top, { recursive: true, force: true });
  const { stdout } = await run("rpm", [
    "--root",
    root,
    "-qa",
    "--qf",
    "%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}\\n",
  ]);
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace("-0:", "-"));
}

const FLAG_TEXT: Record<number, string> = { 2: "<", 4: ">", 8: "=", 10: "<=", 12: ">=" };

/** Parse dnf's `Problem:` report into lists of lines. */
export function parseProblems(output: string): string[][] {
  const problems: string[][] = [];
  for (const line of output.split("\n")) {
    const head = /^ ?Problem(?: \d+)?: (.*)$/.exec(line);
    if (head !== null) {
      problems.push([head[1] as string]);
      continue;
    }
    const item = /^ {2}- (.*)$/.exec(line);
    if (item !== null && problems.length > 0) (problems[problems.length - 1] as string[]).push(item[1] as string);
  }
  return problems;
}

/** True when `dnf` can be run here. */
export async function dnfAvailable(): Promise<boolean> {
  try {
    await run("dnf", ["--version"]);
    return true;
  } catch {
    return false;
  }
}
