/**
 * Differential test of the solver against the real dnf on random repositories: small pools with competing
 * providers, version ranges, conflicts, obsoletes, rich and weak dependencies, generated from fixed seeds,
 * installed into an empty root, and (second part) with a random installed system registered in a real rpmdb
 * and `dnf upgrade` / `dnf install` run on it. grove and dnf must install (and replace) the same packages, or
 * both fail with the same explanations.
 *
 * `GROVE_SOLVER_FUZZ=N` runs N fresh-install cases (default 30), `GROVE_SOLVER_FUZZ_UPGRADE=N` N cases with an
 * installed system (default 10), `GROVE_SOLVER_FUZZ_SEED=S` starts at seed S. For debugging a case:
 * `GROVE_SOLVER_FUZZ_KEEP=DIR` keeps its repository, `GROVE_SOLVER_FUZZ_DUMP=1` prints the packages and dnf's
 * output, `GROVE_SOLVER_FUZZ_TRACE=1` prints grove's decisions.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRepo, makeRepoConfig } from "../packages/repo/src/index.js";
import { nevraOf, SolveError, solve, solverRepoFrom } from "../packages/repo/src/solver/index.js";
import { type DepSpec, pkg } from "../packages/repo/test/solver-fixtures.js";
import { seededRandom } from "./helpers/seeded-random.js";
import { type DnfResult, dnfAvailable, dnfInstall, dnfRun, makeInstalledRoot, writeRepo } from "./solver-oracle-dnf.js";

const haveDnf = await dnfAvailable();
if (!haveDnf) {
  if (process.env.CI) throw new Error("dnf is not installed (required in CI for the solver fuzz test)");
  console.warn("skipping solver-oracle-fuzz.test.ts: dnf is not installed");
}

const CASES = Number(process.env.GROVE_SOLVER_FUZZ ?? 30);
const UPGRADE_CASES = Number(process.env.GROVE_SOLVER_FUZZ_UPGRADE ?? 10);
const FIRST_SEED = Number(process.env.GROVE_SOLVER_FUZZ_SEED ?? 1);

interface Case {
  packages: ReturnType<typeof pkg>[];
  specs: string[];
}

/** Generate one random repository and request (all noarch when `noarch` is set). */
export function generate(seed: number, noarch = false): Case {
  const rnd = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const names = Array.from(
    { length: 6 + Math.floor(rnd() * 8) },
    (_, i) => `${pick(["a", "b", "c", "d", "m", "x", "z"])}${i}`,
  );
  const caps = ["cap1", "cap2", "cap3"];
  const ops = [">=", "<", "=", "<="];
  const simpleDep = (self: string): string => {
    const r = rnd();
    if (r < 0.35) return pick(caps);
    const name = pick(names.filter((n) => n !== self));
    if (r < 0.55) return `${name} ${pick(ops)} ${1 + Math.floor(rnd() * 3)}`;
    return name;
  };
  const dep = (self: string): string => {
    const r = rnd();
    if (r < 0.08) return `(${simpleDep(self)} or ${simpleDep(self)})`;
    if (r < 0.13) return `(${simpleDep(self)} if ${simpleDep(self)})`;
    if (r < 0.16) return `(${simpleDep(self)} and ${simpleDep(self)})`;
    if (r < 0.18) return `(${simpleDep(self)} if ${simpleDep(self)} else ${simpleDep(self)})`;
    if (r < 0.19) return `(${pick(caps)} with ${pick(caps)})`;
    if (r < 0.2) return `(${pick(caps)} without ${pick(caps)})`;
    return simpleDep(self);
  };
  const packages: ReturnType<typeof pkg>[] = [];
  for (const name of names) {
    const versions = 1 + Math.floor(rnd() * 3);
    for (let v = 1; v <= versions; v++) {
      const deps: DepSpec = {
        requires: [],
        provides: [],
        conflicts: [],
        obsoletes: [],
        recommends: [],
        supplements: [],
      };
      const requires = Math.floor(rnd() * 3.2);
      for (let k = 0; k < requires; k++) deps.requires?.push(dep(name));
      if (rnd() < 0.3) {
        const cap = pick(caps);
        deps.provides?.push(rnd() < 0.5 ? cap : `${cap} = ${v}`);
      }
      if (rnd() < 0.12) deps.conflicts?.push(simpleDep(name));
      if (rnd() < 0.06) deps.obsoletes?.push(`${pick(names.filter((n) => n !== name))} < ${1 + Math.floor(rnd() * 3)}`);
      if (rnd() < 0.2) deps.recommends?.push(dep(name));
      if (rnd() < 0.1) deps.supplements?.push(pick(names.filter((n) => n !== name)));
      const arch = rnd() < 0.7 && !noarch ? "x86_64" : "noarch";
      packages.push(pkg(`${name}-${v}-1.${arch}`, deps));
    }
  }
  const specs = [pick(names)];
  if (rnd() < 0.4) specs.push(pick(names));
  return { packages, specs: [...new Set(specs)] };
}

/** What the installed-system part keeps per seed with `GROVE_SOLVER_FUZZ_CACHE`. */
interface CachedCase {
  registered: string[];
  answers: DnfResult[];
}

function cacheFile(seed: number): string | undefined {
  const dir = process.env.GROVE_SOLVER_FUZZ_CACHE;
  return dir === undefined ? undefined : path.join(dir, `upgrade${seed}.json`);
}

function readCache(seed: number): CachedCase | undefined {
  const file = cacheFile(seed);
  if (file === undefined || !existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, "utf8")) as {
    registered: string[];
    answers: Array<Omit<DnfResult, "install"> & { install: Array<[string, { section: string; repo: string }]> }>;
  };
  return { registered: raw.registered, answers: raw.answers.map((a) => ({ ...a, install: new Map(a.install) })) };
}

function writeCache(seed: number, data: CachedCase): void {
  const file = cacheFile(seed);
  if (file === undefined) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const answers = data.answers.map((a) => ({ ...a, install: [...a.install] }));
  writeFileSync(file, JSON.stringify({ registered: data.registered, answers }));
}

let tmp = "";
const tally = { cases: 0, same: 0 };
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "grove-solver-fuzz-"));
});
afterAll(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  if (tally.cases > 0) console.log(`random repositories: ${tally.cases} requests, ${tally.same} identical`);
});

describe.skipIf(!haveDnf)("solver vs dnf on random repositories", () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + CASES; seed++) {
    it(`seed ${seed}`, async () => {
      const { packages, specs } = generate(seed);
      const dir = path.join(process.env.GROVE_SOLVER_FUZZ_KEEP ?? tmp, `seed${seed}`);
      writeRepo(
        dir,
        packages.map((p) => ({ pkg: p })),
      );
      const repo = solverRepoFrom(await loadRepo(makeRepoConfig("r", { baseurl: [`file://${dir}/`] }), {}));
      for (const weakDeps of [true, false]) {
        const dnf = await dnfInstall([{ id: "r", dir }], specs, weakDeps);
        let grove: string[] = [];
        let problems: string[][] = [];
        try {
          grove = (await solve({ repos: [repo], install: specs, weakDeps })).install.map(nevraOf).sort();
        } catch (err) {
          if (!(err instanceof SolveError)) throw err;
          problems = err.problems.map((p) => [...p.rules]);
        }
        tally.cases++;
        if (process.env.GROVE_SOLVER_FUZZ_DUMP) {
          console.log(packages.map((p) => `${nevraOf(p)} ${JSON.stringify(p.dependencies)}`).join("\n"));
          console.log(dnf.output);
        }
        const context = `seed ${seed}, weak ${weakDeps}, specs ${specs.join(" ")}`;
        expect(grove, context).toEqual([...dnf.install.keys()].sort());
        expect(problems, context).toEqual(dnf.problems);
        tally.same++;
      }
    });
  }
});

describe.skipIf(!haveDnf)("solver vs dnf on random repositories with an installed system", () => {
  for (let seed = FIRST_SEED; seed < FIRST_SEED + UPGRADE_CASES; seed++) {
    it(`seed ${seed}`, async () => {
      const { packages, specs } = generate(seed + 100_000, true);
      const rnd = seededRandom(seed);
      // Install at most one (preferably old) version of some names.
      const chosen = new Map<string, (typeof packages)[number]>();
      for (const p of packages) if (!chosen.has(p.name) && rnd() < 0.45) chosen.set(p.name, p);
      let system = [...chosen.values()];
      const base = path.join(process.env.GROVE_SOLVER_FUZZ_KEEP ?? tmp, `upgrade${seed}`);
      const dir = path.join(base, "repo");
      writeRepo(
        dir,
        packages.map((p) => ({ pkg: p })),
      );
      const root = path.join(base, "root");
      const command = rnd() < 0.4 ? ["upgrade"] : rnd() < 0.5 ? ["upgrade", ...specs] : ["install", ...specs];
      const cached = readCache(seed);
      const registered = cached?.registered ?? (await makeInstalledRoot(root, system));
      system = registered.map((nevra) => system.find((p) => nevraOf(p) === nevra) as (typeof system)[number]);
      const repo = solverRepoFrom(await loadRepo(makeRepoConfig("r", { baseurl: [`file://${dir}/`] }), {}));
      const answers = cached?.answers ?? [
        await dnfRun([{ id: "r", dir }], command, true, root),
        await dnfRun([{ id: "r", dir }], command, false, root),
      ];
      if (cached === undefined) writeCache(seed, { registered, answers });
      for (const [weakDeps, dnf] of [
        [true, answers[0]],
        [false, answers[1]],
      ] as const) {
        if (dnf === undefined) throw new Error(`no dnf answer for seed ${seed}`);
        const [verb, ...args] = command;
        const request =
          verb === "upgrade" ? { upgrade: args.length === 0 ? (true as const) : args } : { install: args };
        let grove: string[] = [];
        let replaced: string[] = [];
        let problems: string[][] = [];
        try {
          const trace = process.env.GROVE_SOLVER_FUZZ_TRACE ? (line: string) => console.log(line) : undefined;
          const tx = await solve({ repos: [repo], installed: system, weakDeps, trace, ...request });
          grove = [...tx.install, ...tx.upgrade.map((u) => u.to), ...tx.downgrade.map((d) => d.to)].map(nevraOf).sort();
          replaced = tx.obsoleted.map((o) => nevraOf(o.package)).sort();
        } catch (err) {
          if (!(err instanceof SolveError)) throw err;
          problems = err.problems.map((p) => [...p.rules]);
        }
        tally.cases++;
        const context = `upgrade seed ${seed}, weak ${weakDeps}, ${command.join(" ")}, installed ${system.map(nevraOf).join(" ")}`;
        if (process.env.GROVE_SOLVER_FUZZ_DUMP) console.log(context, dnf.output);
        const same =
          JSON.stringify([grove, replaced, problems]) ===
          JSON.stringify([[...dnf.install.keys()].sort(), dnf.replaced.sort(), dnf.problems]);
        if (!same && process.env.GROVE_SOLVER_FUZZ_LOG) {
          appendFileSync(
            process.env.GROVE_SOLVER_FUZZ_LOG,
            `${context}\n  grove ${JSON.stringify({ grove, replaced, problems })}\n  dnf   ${JSON.stringify({ install: [...dnf.install.keys()].sort(), replaced: dnf.replaced, problems: dnf.problems })}\n`,
          );
        }
        // Soft, so that both weak-dependency settings are compared (and logged) before the case fails.
        expect.soft(grove, context).toEqual([...dnf.install.keys()].sort());
        expect.soft(replaced, context).toEqual(dnf.replaced.sort());
        expect.soft(problems, context).toEqual(dnf.problems);
        if (same) tally.same++;
      }
    });
  }
});
