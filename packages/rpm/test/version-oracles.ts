/**
 * Real rpm 4.18 as the oracle for the version tests: `rpmlua` (rpm's own Lua, `rpm.vercmp`), rpm's Python bindings
 * (`rpm.ds(...).Compare`, `rpm.spec`), and `rpm -qp --qf` on the shared real-RPM fixtures. Every oracle answers a
 * whole batch in ONE process.
 *
 * When a tool is missing: outside CI the caller skips (with {@link missingToolMessage} saying why); in CI
 * ({@link oracleRequired}) the tests fail loudly instead.
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../../../test/helpers/seeded-random.js";

export { seededRandom };

/** The repository root. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** `<repo>/../shared/fixtures/real-rpms`. */
export const realRpmsDir: string = path.resolve(repoRoot, "../shared/fixtures/real-rpms");

/** True in CI, where a missing oracle is a failure rather than a skip. */
export const oracleRequired: boolean = process.env.CI !== undefined && process.env.CI !== "";

const ENV = { ...process.env, LC_ALL: "C", LANG: "C" };

function run(cmd: string, args: string[], input?: string) {
  const result = spawnSync(cmd, args, { input, env: ENV, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return result;
}

/** Whether `rpmlua` (rpm's Lua interpreter, shipped with Debian's rpm) runs. */
export const haveRpmlua: boolean = run("rpmlua", ["-e", "print(rpm.vercmp('1', '2'))"]).stdout?.trim() === "-1";

/** A Python interpreter that can `import rpm` (Debian's python3-rpm), or `undefined`. */
export const rpmPython: string | undefined = ["/usr/bin/python3", "python3"].find(
  (py) => run(py, ["-c", "import rpm; print(rpm.__version__)"]).status === 0,
);

/** Whether `rpm` runs. */
export const haveRpm: boolean = run("rpm", ["--version"]).status === 0;

/** Whether the shared fixtures are present. */
export function realRpmsAvailable(): boolean {
  try {
    return statSync(realRpmsDir).isDirectory();
  } catch {
    return false;
  }
}

/** Why an oracle test is skipped. */
export function missingToolMessage(tool: string): string {
  return `${tool} is not available on this machine, so the rpm-oracle comparison is skipped (it is required in CI)`;
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), "grove-version-oracle-"));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkedStdout(result: ReturnType<typeof run>, what: string): string {
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout;
}

/**
 * rpm's `rpmvercmp(a, b)` for every pair, from one rpmlua process.
 *
 * rpm's Lua only exposes the EVR comparison `rpm.vercmp` (`rpmverCmp`), so each side is wrapped as `0:<s>-0`:
 * epoch `0`, release `0` (the split is at the LAST `-`), leaving exactly `<s>` as the version, whatever it contains.
 * Strings are passed through a file, one per line, so they must not contain a newline.
 */
export function rpmOracleVercmp(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  return luaCompare(pairs.map(([a, b]) => [`0:${a}-0`, `0:${b}-0`] as const));
}

/** rpm's `rpm.vercmp(a, b)` (`rpmverCmp` on two parsed EVRs) for every pair of non-empty EVR strings. */
export function rpmOracleCompareEVR(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  return luaCompare(pairs);
}

function luaCompare(pairs: ReadonlyArray<readonly [string, string]>): number[] {
  return withTempDir((dir) => {
    const data = path.join(dir, "pairs.txt");
    const lines: string[] = [];
    for (const [a, b] of pairs) {
      if (/[\n\r]/.test(a + b)) throw new Error(`oracle strings cannot contain line breaks: ${JSON.stringify([a, b])}`);
      lines.push(a, b);
    }
    writeFileSync(data, lines.map((l) => `${l}\n`).join(""));
    const script = path.join(dir, "cmp.lua");
    writeFileSync(
      script,
      `local f = assert(io.open(${JSON.stringify(data)}, "rb"))
local out = {}
while true do
  local a = f:read("l")
  if a == nil then break end
  local b = f:read("l")
  out[#out + 1] = tostring(rpm.vercmp(a, b))
end
io.write(table.concat(out, "\\n"), "\\n")
`,
    );
    const stdout = checkedStdout(run("rpmlua", [script]), "rpmlua");
    const results = stdout.trim().split("\n").map(Number);
    if (results.length !== pairs.length) throw new Error(`rpmlua answered ${results.length} of ${pairs.length}`);
    return results;
  });
}

/** One overlap question: two version ranges of the same name. */
export type OverlapQuestion = readonly [aFlags: number, aEvr: string, bFlags: number, bEvr: string];

/** rpm's `rpmdsCompare` (provide/require overlap) for every question, from one Python process. */
export function rpmOracleOverlap(questions: readonly OverlapQuestion[]): boolean[] {
  if (rpmPython === undefined) throw new Error("no python with the rpm module");
  const script = `
import json, sys, rpm
out = []
for af, ae, bf, be in json.load(sys.stdin):
    a = rpm.ds(("x", af, ae), rpm.RPMTAG_PROVIDENAME)
    b = rpm.ds(("x", bf, be), rpm.RPMTAG_REQUIRENAME)
    out.append(bool(a.Compare(b)))
print(json.dumps(out))
`;
  const stdout = checkedStdout(run(rpmPython, ["-c", script], JSON.stringify(questions)), "python rpm.ds");
  return JSON.parse(stdout) as boolean[];
}

/** The header tag a rich dependency oracle case is written under in the generated spec. */
export type SpecDependencyTag = "Requires" | "Conflicts" | "Recommends" | "Suggests" | "Supplements" | "Enhances";

/** What rpmbuild made of one dependency line: its normalised rich dependency, or a parse failure. */
export type SpecOracleAnswer = { ok: true; stored: string } | { ok: false };

/**
 * Let rpmbuild's spec parser (`rpm.spec` in rpm's Python bindings) read `Tag: dep` for every case, one spec file
 * each, all in one Python process; report the rich dependency it stored (rpmbuild's normalised text) or that it
 * refused the line.
 */
export function rpmOracleSpecRichDeps(cases: ReadonlyArray<readonly [SpecDependencyTag, string]>): SpecOracleAnswer[] {
  if (rpmPython === undefined) throw new Error("no python with the rpm module");
  return withTempDir((dir) => {
    const script = `
import json, os, sys, rpm

rpm.setVerbosity(rpm.RPMLOG_EMERG)
tags = {"Requires": rpm.RPMTAG_REQUIRENAME, "Conflicts": rpm.RPMTAG_CONFLICTNAME,
        "Recommends": rpm.RPMTAG_RECOMMENDNAME, "Suggests": rpm.RPMTAG_SUGGESTNAME,
        "Supplements": rpm.RPMTAG_SUPPLEMENTNAME, "Enhances": rpm.RPMTAG_ENHANCENAME}
out = []
spec = os.path.join(sys.argv[1], "case.spec")
for tag, dep in json.load(sys.stdin):
    with open(spec, "w") as f:
        f.write("Name: x\\nVersion: 1\\nRelease: 1\\nSummary: s\\nLicense: MIT\\n%s: %s\\n%%description\\nd\\n%%files\\n" % (tag, dep))
    try:
        h = rpm.spec(spec).packages[0].header
        rich = [str(n) for n in h[tags[tag]] if str(n).startswith("(")]
        out.append({"ok": True, "stored": rich[0] if len(rich) == 1 else json.dumps(rich)})
    except Exception:
        out.append({"ok": False})
print(json.dumps(out))
`;
    const stdout = checkedStdout(run(rpmPython, ["-c", script, dir], JSON.stringify(cases)), "python rpm.spec");
    return JSON.parse(stdout) as SpecOracleAnswer[];
  });
}

/** Every `*.rpm` under the fixtures directory, absolute paths, sorted. */
export function listRealRpms(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith(".rpm")) out.push(full);
    }
  };
  walk(realRpmsDir);
  return out.sort();
}

/** One dependency of a real package as rpm reports it: the header triple and rpm's rendering (`%{...NEVRS}`). */
export interface RealDependency {
  /** Tag stem (`REQUIRE`, `PROVIDE`, ...). */
  tag: string;
  /** Capability name. */
  name: string;
  /** RPMSENSE_* flags. */
  flags: number;
  /** EVR as stored. */
  evr: string;
  /** What rpm prints for it (`rpm -qR`). */
  printed: string;
}

const DEP_TAGS = ["REQUIRE", "PROVIDE", "CONFLICT", "OBSOLETE", "RECOMMEND", "SUGGEST", "SUPPLEMENT", "ENHANCE"];

/**
 * Every dependency of every fixture package, from one `rpm -qp --qf` run (packages rpm cannot read are left out),
 * plus each package's own `[epoch:]version-release`.
 */
export function realDependencies(): { deps: RealDependency[]; packageEvrs: string[] } {
  const us = "\x1f";
  const qf =
    `E${us}%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n` +
    DEP_TAGS.map((t) => `[${t}${us}%{${t}NAME}${us}%{${t}FLAGS}${us}%{${t}VERSION}${us}%{${t}NEVRS}\n]`).join("");
  const result = run("rpm", ["-qp", "--nosignature", "--nodigest", "--qf", qf, ...listRealRpms()]);
  if (result.error) throw result.error;
  const deps: RealDependency[] = [];
  const packageEvrs: string[] = [];
  for (const line of result.stdout.split("\n")) {
    if (line === "") continue;
    const fields = line.split(us);
    if (fields[0] === "E" && fields.length === 2) {
      packageEvrs.push(fields[1]!);
    } else if (fields.length === 5) {
      const [tag, name, flags, evr, printed] = fields as [string, string, string, string, string];
      deps.push({ tag, name, flags: Number(flags), evr, printed });
    } else {
      throw new Error(`unexpected rpm query line: ${JSON.stringify(line)}`);
    }
  }
  return { deps, packageEvrs };
}

/** Pick one element. */
export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** `count` pairs drawn (deterministically, from `seed`) from `values`. */
export function randomPairs(values: readonly string[], seed: number, count = 2000): Array<[string, string]> {
  const rand = seededRandom(seed);
  const pairs: Array<[string, string]> = [];
  for (let k = 0; k < count; k++) pairs.push([pick(rand, values), pick(rand, values)]);
  return pairs;
}
