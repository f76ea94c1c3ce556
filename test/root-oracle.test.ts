/**
 * The root oracle: the distribution's own tools, on the same repository and request, against `grove assemble`.
 *
 * For each corpus set (bash; apache2), `dnf --installroot` builds a reference root (as root), and the `grove` CLI
 * assembles a root as an unprivileged user (uid 65534 when the test runs as root). Then:
 *
 * 1. `rpm --root GROVE_ROOT -qa` equals grove's `packages` and `rpm --root DNF_ROOT -qa`;
 * 2. both trees are walked (lstat) and every path has the same type, permission bits (setuid/setgid aside), link
 *    target and sha256, except the differences `helpers/root-differences.ts` documents one by one with a reason:
 *    grove's `/usr/etc` mirror of `/etc`, dnf's and rpm's own state files, and files dnf's scriptlets write;
 * 3. `rpm --root GROVE_ROOT -Va` reports no size, digest, link, device or capability mismatch, no missing file,
 *    and a mode mismatch only where setuid/setgid was left off; owner, group and mtime are allowed (reasons in
 *    `helpers/root-rpm-verify.ts` and docs/packages/checkout.md, "Verified against rpm -Va").
 *
 * The corpus is built with `bench/corpus` (cache in `$GROVE_CORPUS_CACHE`, else `bench/cache/`). Needs root (dnf
 * --installroot), dnf, rpm, setpriv and a built CLI; in CI (`CI` set) their absence fails the test.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, type CorpusManifest } from "../bench/corpus/corpus-builder.js";
import { corpusCacheDir } from "./helpers/corpus-set.js";
import { compareRoots, type RootComparison } from "./helpers/root-differences.js";
import { dnfInstallRoot, installedNevras, makeRpmHome, packagedModes, rpmInRoot } from "./helpers/root-reference.js";
import { parseVerifyOutput, verifyLineProblems } from "./helpers/root-rpm-verify.js";
import { snapshotTree } from "./helpers/root-tree.js";
import {
  makeUserDir,
  runGroveUnprivileged,
  runningAsRoot,
  unprivilegedUnavailable,
} from "./helpers/unprivileged-grove.js";

const cacheDir = corpusCacheDir;
const SETS = ["bash", "apache2"] as const;
const LONG = 30 * 60 * 1000;

const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missingTools = ["dnf", "rpm", "apt-get", "dpkg-deb", "rpmbuild", "createrepo_c"].filter((t) => !haveTool(t));
const skipReason =
  missingTools.length > 0
    ? `${missingTools.join(", ")} not installed`
    : !runningAsRoot
      ? "dnf --installroot needs root"
      : unprivilegedUnavailable();
if (skipReason !== undefined && process.env.CI) throw new Error(`the root oracle test cannot run: ${skipReason}`);
if (skipReason !== undefined) console.warn(`skipping the root oracle test: ${skipReason}`);

/** A grove root's result as `grove assemble --json` prints it (the fields this test reads). */
interface RootJson {
  path: string;
  packages: string[];
}

describe.skipIf(skipReason !== undefined).each(SETS)(
  "root oracle: the %s set, dnf --installroot against grove",
  (set) => {
    let work = "";
    let rpmHome = "";
    let corpus: CorpusManifest;
    let referenceRoot = "";
    let groveRoot: RootJson;

    beforeAll(async () => {
      work = mkdtempSync(path.join(tmpdir(), `grove-root-oracle-${set}-`));
      chmodSync(work, 0o755);
      const repoDir = path.join(work, "repo");
      corpus = (await buildCorpus({ outDir: repoDir, packages: [set], cacheDir })).manifest;
      rpmHome = makeRpmHome(path.join(work, "rpm-home"));

      referenceRoot = path.join(work, "dnf-root");
      const dnf = dnfInstallRoot(referenceRoot, repoDir, corpus.installSet, rpmHome);
      if (dnf.status !== 0) throw new Error(`dnf --installroot failed (${dnf.status}):\n${dnf.stdout}${dnf.stderr}`);

      const home = makeUserDir(path.join(work, "home"));
      const grove = path.join(makeUserDir(path.join(work, "user")), "grove");
      const run = async (...args: string[]): Promise<string> => {
        const result = await runGroveUnprivileged(["--store", grove, ...args], { HOME: home });
        if (result.status !== 0)
          throw new Error(`grove ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
        return result.stdout;
      };
      await run("init");
      await run("repo", "add", "corpus", repoDir);
      const json = await run("assemble", "r", ...corpus.installSet, "--no-weak-deps", "--json");
      groveRoot = (JSON.parse(json) as RootJson[])[0] as RootJson;
    }, LONG);

    afterAll(() => {
      if (work !== "") rmSync(work, { recursive: true, force: true });
    });

    it("rpm -qa in the grove root equals grove's package list and dnf's root", () => {
      const groveList = [...groveRoot.packages].sort();
      const inGroveRoot = installedNevras(groveRoot.path, rpmHome, true);
      const inDnfRoot = installedNevras(referenceRoot, rpmHome, false);
      expect(groveList).toHaveLength(corpus.packages.length);
      expect(inGroveRoot).toEqual(groveList);
      expect(inGroveRoot).toEqual(inDnfRoot);
    });

    it("has the same paths, types, permission bits, link targets and contents, but for documented differences", () => {
      const comparison = compareRoots(snapshotTree(referenceRoot), snapshotTree(groveRoot.path));
      console.log(summarise(set, comparison));
      expect(comparison.undocumented).toEqual([]);
      expect(comparison.identical).toBeGreaterThan(1000);
      // The comparison saw both layouts: grove's /etc mirror, dnf's state, a scriptlet's output.
      const documented = comparison.documented.map((d) => d.path);
      expect(documented).toEqual(expect.arrayContaining(["/usr/etc/passwd", "/var/lib/dnf", "/etc/ld.so.cache"]));
    });

    it("rpm -Va finds no size, digest, link or mode mismatch nor missing file (owner, group, mtime aside)", () => {
      const verify = rpmInRoot(groveRoot.path, ["-Va"], rpmHome, true);
      expect([0, 1]).toContain(verify.status);
      const output = parseVerifyOutput(`${verify.stdout}${verify.stderr}`);
      expect(output.other).toEqual([]);
      const modes = packagedModes(groveRoot.path, rpmHome, true);
      const onDisk = snapshotTree(groveRoot.path);
      const modeOf = (file: string) => {
        const packaged = modes.get(file);
        const entry = onDisk.get(file);
        return packaged === undefined || entry === undefined
          ? undefined
          : { packaged, onDisk: entry.perm | entry.special };
      };
      const problems = output.files.flatMap((line) => verifyLineProblems(line, modeOf));
      expect(problems).toEqual([]);
      const flagCounts = new Map<string, number>();
      for (const line of output.files)
        for (const flag of line.flags.replace(/\./g, "")) flagCounts.set(flag, (flagCounts.get(flag) ?? 0) + 1);
      const beyondMtime = output.files.filter((l) => l.flags.replace(/[.T]/g, "") !== "");
      console.log(
        `${set}: rpm -Va: ${output.files.length} lines; flags ${[...flagCounts].map(([f, n]) => `${f}×${n}`).join(" ")}\n` +
          beyondMtime.map((l) => `  ${l.flags} ${l.attribute || " "} ${l.path}`).join("\n"),
      );
    });
  },
);

function summarise(set: string, comparison: RootComparison): string {
  const byReason = new Map<string, string[]>();
  for (const d of comparison.documented) byReason.set(d.reason, [...(byReason.get(d.reason) ?? []), d.path]);
  const lines = [...byReason].map(([reason, paths]) => {
    const shown = paths.length > 4 ? `${paths.slice(0, 3).join(" ")} ... (${paths.length})` : paths.join(" ");
    return `  ${shown}: ${reason}`;
  });
  return [
    `${set}: ${comparison.identical} paths identical, ${comparison.documented.length} documented differences, ${comparison.undocumented.length} undocumented`,
    ...lines,
  ].join("\n");
}
