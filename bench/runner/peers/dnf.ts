/**
 * `dnf --installroot` as the benchmark runs it: only the benchmark's repositories, no weak dependencies, no
 * signature checks, and a cache directory of the benchmark's choosing (empty for cold runs, kept for warm ones).
 * @packageDocumentation
 */
import type { CommandSpec } from "../measured-command.js";

/** A repository handed to dnf with `--repofrompath`. */
export interface DnfRepo {
  /** Repository id. */
  id: string;
  /** Base URL or local directory. */
  url: string;
}

/** Where dnf works. */
export interface DnfTarget {
  /** The install root. */
  root: string;
  /** dnf's cache directory (`--setopt=cachedir`); packages are kept in it (`keepcache`). */
  cacheDir: string;
  /** The repositories (no others are enabled). */
  repos: readonly DnfRepo[];
  /** The reference environment (see `referenceEnv`). */
  env: NodeJS.ProcessEnv;
}

/** The Debian release the corpus comes from, as dnf's `$releasever`. */
export const RELEASEVER = "12";

function dnf(target: DnfTarget, args: readonly string[], okExitCodes: readonly number[] = [0]): CommandSpec {
  return {
    command: "dnf",
    args: [
      `--installroot=${target.root}`,
      ...target.repos.map((r) => `--repofrompath=${r.id},${r.url}`),
      ...target.repos.map((r) => `--repo=${r.id}`),
      `--setopt=cachedir=${target.cacheDir}`,
      "--setopt=keepcache=True",
      "--setopt=install_weak_deps=False",
      `--releasever=${RELEASEVER}`,
      "--nogpgcheck",
      ...args,
    ],
    env: target.env,
    okExitCodes,
  };
}

/** `dnf install -y SPECS...`. */
export function dnfInstall(target: DnfTarget, specs: readonly string[]): CommandSpec {
  return dnf(target, ["-y", "install", ...specs]);
}

/** `dnf upgrade -y`. */
export function dnfUpgrade(target: DnfTarget): CommandSpec {
  return dnf(target, ["-y", "upgrade"]);
}

/** `dnf --assumeno install SPECS...`: resolve only (dnf exits 1 after printing the transaction). */
export function dnfSolve(target: DnfTarget, specs: readonly string[]): CommandSpec {
  return dnf(target, ["--assumeno", "install", ...specs], [0, 1]);
}

/**
 * The number of packages dnf's transaction summary gives for `verb` (`Install  N Packages`, `Upgrade  N
 * Package`): 0 when dnf said "Nothing to do.", undefined when the output says neither.
 * @param output - dnf's stdout
 * @param verb - the summary line's verb
 */
export function dnfSummaryCount(output: string, verb: "Install" | "Upgrade"): number | undefined {
  const match = new RegExp(`^${verb}\\s+(\\d+)\\s+Packages?`, "m").exec(output);
  if (match !== null) return Number(match[1]);
  return /^Nothing to do\.?$/m.test(output) ? 0 : undefined;
}
