/**
 * Which Debian packages a corpus contains: the closure of the requested packages computed by apt's own solver
 * against an empty dpkg status (so nothing counts as installed), without Recommends, plus the Essential set that
 * Debian packages never declare and `usr-is-merged`.
 * @packageDocumentation
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { streamStanzas } from "./deb822.js";
import { packageOverride } from "./package-overrides.js";
import { runCommand, streamCommand } from "./run-command.js";

/** One package of a closure, at the version apt chose. */
export interface AptPackage {
  /** Package name. */
  name: string;
  /** Debian version. */
  version: string;
  /** Debian architecture (`amd64` or `all`). */
  arch: string;
}

/** Packages every corpus includes besides the Essential set (init-system-helpers needs `usrmerge | usr-is-merged`). */
export const ALWAYS_INCLUDED = ["usr-is-merged"] as const;

/** The names of all packages whose candidate version is `Essential: yes`, sorted. */
export async function essentialPackages(): Promise<string[]> {
  const dump = streamCommand("apt-cache", ["dumpavail"]);
  const names = new Set<string>();
  for await (const stanza of streamStanzas(dump.stdout, "apt-cache dumpavail")) {
    const name = stanza.get("Package");
    if (name !== undefined && stanza.get("Essential") === "yes") names.add(name);
  }
  await dump.done;
  if (names.size === 0) {
    throw new GroveError("CORPUS_NO_APT_LISTS", "apt knows no Essential package: its package lists are empty", {
      hint: "run apt-get update",
    });
  }
  return [...names].sort();
}

const INST_LINE = /^Inst (\S+) \((\S+) [^[]*\[([^\]]+)\]\)/;

/** Parse `apt-get -s` output: one {@link AptPackage} per `Inst` line. */
export function parseSimulation(output: string): AptPackage[] {
  const out: AptPackage[] = [];
  for (const line of output.split("\n")) {
    const match = INST_LINE.exec(line);
    if (match === null) continue;
    const [, name = "", version = "", arch = ""] = match;
    out.push({ name: name.replace(/:.*$/, ""), version, arch });
  }
  return out;
}

/**
 * apt's solution for installing `names` on an empty system, without Recommends.
 * @param scratchDir - where the empty dpkg status file is written
 * @throws GroveError `CORPUS_COMMAND_FAILED` when apt cannot satisfy the request (its error is in the message).
 */
export async function aptClosure(names: readonly string[], scratchDir: string): Promise<AptPackage[]> {
  await mkdir(scratchDir, { recursive: true });
  const status = path.join(scratchDir, "empty-dpkg-status");
  await writeFile(status, "");
  const { stdout } = await runCommand("apt-get", [
    "-s",
    "-q",
    "-o",
    `Dir::State::status=${status}`,
    "-o",
    "Debug::NoLocking=true",
    "-o",
    "APT::Install-Recommends=false",
    "-o",
    "APT::Install-Suggests=false",
    "install",
    ...names,
  ]);
  const packages = parseSimulation(stdout);
  if (packages.length === 0) {
    throw new GroveError("CORPUS_EMPTY_CLOSURE", `apt-get -s install ${names.join(" ")} installed nothing`);
  }
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The corpus closure: `requested` + Essential + {@link ALWAYS_INCLUDED}, repeated until the packages that the
 * converter's scriptlets need (e.g. `passwd` for `useradd`) are in it too.
 */
export async function corpusClosure(
  requested: readonly string[],
  essential: readonly string[],
  scratchDir: string,
): Promise<{ roots: string[]; packages: AptPackage[] }> {
  const roots = new Set([...requested, ...essential, ...ALWAYS_INCLUDED]);
  for (;;) {
    const packages = await aptClosure([...roots], scratchDir);
    const present = new Set(packages.map((p) => p.name));
    const missing = packages
      .flatMap((p) => packageOverride(p.name).closureExtras)
      .filter((extra) => !present.has(extra) && !roots.has(extra));
    if (missing.length === 0) return { roots: [...roots], packages };
    for (const extra of missing) roots.add(extra);
  }
}
