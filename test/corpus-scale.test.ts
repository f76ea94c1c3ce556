/**
 * The metadata-only scale repository writer: real stanzas from apt's index become rpm-md that dnf reads back with
 * the same dependencies the corpus RPMs carry.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseStanzas } from "../bench/corpus/deb822.js";
import { RpmMdWriter } from "../bench/corpus/rpmmd-writer.js";
import { stanzaToRpmMd } from "../bench/corpus/scale-index.js";

const haveTool = (tool: string): boolean => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missing = ["apt-cache", "dnf"].filter((t) => !haveTool(t));
if (missing.length > 0 && process.env.CI) throw new Error(`corpus scale tests need ${missing.join(", ")}`);
const skip = missing.length > 0;
if (skip) console.warn(`skipping corpus scale tests: ${missing.join(", ")} not installed`);

const PACKAGES = ["bash", "perl-base", "perl-modules-5.36", "init-system-helpers", "libc6"];
let work: string;
let count = 0;

function dnf(...args: string[]): string[] {
  const run = spawnSync(
    "dnf",
    [
      "-q",
      `--repofrompath=scale,${path.join(work, "repo")}`,
      "--repo=scale",
      `--setopt=cachedir=${path.join(work, "dnf-cache")}`,
      "--releasever=12",
      ...args,
    ],
    { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } },
  );
  if (run.status !== 0) throw new Error(`dnf ${args.join(" ")}: ${run.stderr}`);
  return run.stdout.trim().split("\n").filter(Boolean);
}

beforeAll(async () => {
  if (skip) return;
  work = mkdtempSync(path.join(tmpdir(), "corpus-scale-"));
  const shown = spawnSync("apt-cache", ["show", "--no-all-versions", ...PACKAGES], { encoding: "utf8" });
  const stanzas = parseStanzas(shown.stdout, "apt-cache show");
  count = stanzas.length;
  const writer = await RpmMdWriter.open(path.join(work, "repo"), stanzas.length);
  for (const stanza of stanzas) await writer.add(stanzaToRpmMd(stanza, "apt-cache show"));
  await writer.close(1_735_689_600);
});

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(skip)("scale repository metadata", () => {
  it("writes repomd.xml whose checksums and sizes match the files", () => {
    const repodata = path.join(work, "repo", "repodata");
    const repomd = readFileSync(path.join(repodata, "repomd.xml"), "utf8");
    for (const type of ["primary", "filelists", "other"]) {
      const block = new RegExp(`<data type="${type}">([\\s\\S]*?)</data>`).exec(repomd)?.[1] ?? "";
      const href = /<location href="repodata\/([^"]+)"/.exec(block)?.[1] ?? "";
      const bytes = readFileSync(path.join(repodata, href));
      const open = gunzipSync(bytes);
      expect(/<checksum type="sha256">([0-9a-f]+)</.exec(block)?.[1]).toBe(
        createHash("sha256").update(bytes).digest("hex"),
      );
      expect(/<open-checksum type="sha256">([0-9a-f]+)</.exec(block)?.[1]).toBe(
        createHash("sha256").update(open).digest("hex"),
      );
      expect(Number(/<size>(\d+)</.exec(block)?.[1])).toBe(bytes.length);
      expect(Number(/<open-size>(\d+)</.exec(block)?.[1])).toBe(open.length);
      expect(open.toString("utf8")).toContain(`packages="${count}"`);
    }
    expect(readdirSync(repodata).some((f) => f.endsWith(".tmp"))).toBe(false);
  });

  it("is read by dnf with every package and the converted dependencies", () => {
    const all = dnf("repoquery", "--qf", "%{name}");
    expect(all.sort()).toEqual([...PACKAGES].sort());
    const requires = dnf("repoquery", "--requires", "bash");
    expect(requires).toEqual(expect.arrayContaining(["libc6 >= 2.36-0", "base-files >= 2.1.12-0"]));
    expect(dnf("repoquery", "--requires", "init-system-helpers")).toContain("(usrmerge or usr-is-merged)");
    expect(dnf("repoquery", "--whatprovides", "perl-modules", "--qf", "%{name}")).toEqual(["perl-modules-5.36"]);
    // perl-base's `Breaks: perl-modules (<< 5.36.0~)` must not hit perl-modules-5.36's unversioned provide
    expect(dnf("repoquery", "--conflicts", "perl-base")).toContain("perl-modules < 5.36.0~-0");
    const provides = dnf("repoquery", "--provides", "perl-modules-5.36");
    expect(provides.find((p) => p.startsWith("perl-modules = "))).toMatch(/^perl-modules = 5\.36\.0-/);
  });
});
