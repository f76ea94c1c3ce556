/**
 * The distribution's own tools as oracles for a root: `dnf --installroot` builds the reference root (as root),
 * and `rpm --root R` queries and verifies a root. Debian's rpm keeps its database in `~/.rpmdb` by default, so
 * both run with a throw-away `HOME` whose `.rpmmacros` says `%_dbpath /usr/lib/sysimage/rpm`.
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runningAsRoot, UNPRIVILEGED_ID } from "./unprivileged-grove.js";

/** Where roots keep their rpm database. */
export const RPMDB_PATH = "/usr/lib/sysimage/rpm";

/** What a tool run produced. */
export interface ToolRun {
  /** Exit status (`-1` when killed). */
  status: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/**
 * Creates `dir/.rpmmacros` with `%_dbpath /usr/lib/sysimage/rpm` and returns `dir`, to be used as `HOME`.
 * @param dir - a new directory (readable by the unprivileged user when rpm runs as it)
 */
export function makeRpmHome(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  writeFileSync(path.join(dir, ".rpmmacros"), `%_dbpath ${RPMDB_PATH}\n`, { mode: 0o644 });
  return dir;
}

function runTool(command: string, args: readonly string[], home: string, unprivileged: boolean): ToolRun {
  const drop = unprivileged && runningAsRoot;
  const argv = drop
    ? [`--reuid=${UNPRIVILEGED_ID}`, `--regid=${UNPRIVILEGED_ID}`, "--clear-groups", command, ...args]
    : [...args];
  const result = spawnSync(drop ? "setpriv" : command, argv, {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LC_ALL: "C" },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `dnf --installroot=ROOT install PACKAGES` from one local repository and nothing else (no host repositories,
 * no weak dependencies, no signature checks). Needs root.
 * @param root - the reference root to create
 * @param repoDir - the repository directory (with `repodata/`)
 * @param packages - what to install (the corpus' `installSet`)
 * @param home - a directory from {@link makeRpmHome}
 */
export function dnfInstallRoot(root: string, repoDir: string, packages: readonly string[], home: string): ToolRun {
  return runTool(
    "dnf",
    [
      `--installroot=${root}`,
      "--setopt=reposdir=/dev/null",
      `--repofrompath=corpus,${repoDir}`,
      "--repo=corpus",
      "--setopt=install_weak_deps=False",
      "--releasever=12",
      "--nogpgcheck",
      "-y",
      "install",
      ...packages,
    ],
    home,
    false,
  );
}

/**
 * `rpm --root ROOT --dbpath /usr/lib/sysimage/rpm ARGS`.
 * @param root - the root
 * @param args - rpm's query or verify arguments
 * @param home - a directory from {@link makeRpmHome}
 * @param unprivileged - run as the unprivileged user when this process is root
 */
export function rpmInRoot(root: string, args: readonly string[], home: string, unprivileged: boolean): ToolRun {
  return runTool("rpm", ["--root", root, "--dbpath", RPMDB_PATH, ...args], home, unprivileged);
}

/**
 * Every installed package's NEVRA (`rpm -qa --qf '%{NEVRA}\n'`), sorted.
 * @param root - the root
 * @param home - a directory from {@link makeRpmHome}
 * @param unprivileged - run as the unprivileged user when this process is root
 */
export function installedNevras(root: string, home: string, unprivileged: boolean): string[] {
  const run = rpmInRoot(root, ["-qa", "--qf", "%{NEVRA}\\n"], home, unprivileged);
  if (run.status !== 0) throw new Error(`rpm --root ${root} -qa failed (${run.status}): ${run.stderr}`);
  return run.stdout
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

/**
 * Every packaged path with its mode as the rpmdb records it (FILEMODES); a path several packages hold (shared
 * directories) keeps the first mode seen.
 * @param root - the root
 * @param home - a directory from {@link makeRpmHome}
 * @param unprivileged - run as the unprivileged user when this process is root
 */
export function packagedModes(root: string, home: string, unprivileged: boolean): Map<string, number> {
  const run = rpmInRoot(root, ["-qa", "--qf", "[%{FILENAMES}\\t%{FILEMODES}\\n]"], home, unprivileged);
  if (run.status !== 0) throw new Error(`rpm --root ${root} -qa failed (${run.status}): ${run.stderr}`);
  const modes = new Map<string, number>();
  for (const line of run.stdout.split("\n")) {
    const tab = line.lastIndexOf("\t");
    if (tab < 0) continue;
    const file = line.slice(0, tab);
    if (!modes.has(file)) modes.set(file, Number(line.slice(tab + 1)) & 0xffff);
  }
  return modes;
}
