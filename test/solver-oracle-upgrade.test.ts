/**
 * The solver against the real dnf with an installed system: an install root whose rpmdb holds real (empty,
 * rpmbuild-made) packages, and a metadata-only repository with newer versions. `dnf upgrade` / `dnf install`
 * with `--assumeno` and grove's solve must agree on what gets installed or upgraded and what gets replaced,
 * or fail with the same explanations.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRepo, makeRepoConfig } from "../packages/repo/src/index.js";
import { nevraOf, SolveError, type SolverPackage, solve, solverRepoFrom } from "../packages/repo/src/solver/index.js";
import { pkg } from "../packages/repo/test/solver-fixtures.js";
import { dnfAvailable, dnfRun, makeInstalledRoot, writeRepo } from "./solver-oracle-dnf.js";

const haveDnf = await dnfAvailable();
if (!haveDnf) {
  if (process.env.CI) throw new Error("dnf is not installed (required in CI for the solver upgrade oracle test)");
  console.warn("skipping solver-oracle-upgrade.test.ts: dnf is not installed");
}

interface UpgradeScenario {
  name: string;
  installed: SolverPackage[];
  available: SolverPackage[];
  /** `upgrade` (everything), `upgrade X`, or `install X`. */
  command: string[];
}

const SYSTEM = [pkg("lib-1-1"), pkg("app-1-1", { requires: ["lib = 1"] }), pkg("tool-1-1"), pkg("old-1-1")];
const REPO = [
  pkg("lib-1-1"),
  pkg("lib-2-1"),
  pkg("app-1-1", { requires: ["lib = 1"] }),
  pkg("app-2-1", { requires: ["lib = 2"], recommends: ["extra"] }),
  pkg("extra-1-1"),
  pkg("tool-1-1"),
  pkg("tool-3-1", { requires: ["helper"] }),
  pkg("helper-1-1"),
  pkg("new-1-1", { requires: ["lib >= 2"] }),
  pkg("newold-2-1", { obsoletes: ["old < 2"], provides: ["old = 2-1"] }),
  pkg("rival-1-1", { conflicts: ["tool"] }),
];

const SCENARIOS: UpgradeScenario[] = [
  { name: "upgrade everything", installed: SYSTEM, available: REPO, command: ["upgrade"] },
  { name: "upgrade one package", installed: SYSTEM, available: REPO, command: ["upgrade", "tool"] },
  {
    name: "install something that needs newer libraries",
    installed: SYSTEM,
    available: REPO,
    command: ["install", "new"],
  },
  { name: "install an installed name upgrades it", installed: SYSTEM, available: REPO, command: ["install", "tool"] },
  { name: "install an obsoleted name", installed: SYSTEM.slice(0, 3), available: REPO, command: ["install", "old"] },
  {
    name: "upgrade that would break an installed package",
    installed: SYSTEM,
    available: [pkg("lib-2-1"), pkg("app-1-1", { requires: ["lib = 1"] })],
    command: ["upgrade", "lib"],
  },
  {
    name: "install a package that conflicts with an installed one",
    installed: SYSTEM,
    available: REPO,
    command: ["install", "rival"],
  },
  {
    name: "installed package with a broken dependency",
    installed: [pkg("broken-1-1", { requires: ["gone"] }), pkg("lib-1-1")],
    available: REPO,
    command: ["upgrade"],
  },
  // Regressions found by the installed-system fuzz (test/solver-oracle-fuzz.test.ts), each checked against dnf.
  {
    // dnf's selector for a plain name includes installed packages obsoleting it: keeper already does the job.
    name: "install a name an installed package already obsoletes",
    installed: [pkg("keeper-1-1", { obsoletes: ["gone < 2"] }), pkg("lib-1-1")],
    available: [pkg("gone-1-1"), pkg("keeper-1-1", { obsoletes: ["gone < 2"] }), pkg("extra-1-1")],
    command: ["install", "gone", "extra"],
  },
  {
    // `upgrade NAME` does not select the packages obsoleting NAME's older versions (only `install NAME` does).
    name: "upgrade a name that an update of another package obsoletes in an old version",
    installed: [pkg("dd-2-1"), pkg("zz-3-1"), pkg("tool-1-1")],
    available: [
      pkg("zz-1-1"),
      pkg("zz-3-1"),
      pkg("dd-2-1"),
      pkg("dd-3-1", { obsoletes: ["zz < 2"] }),
      pkg("tool-1-1"),
      pkg("tool-2-1"),
    ],
    command: ["upgrade", "zz", "tool"],
  },
  {
    // An installed package's rich Requires that cannot be met as a whole (cap3 has no provider) is ignored.
    name: "installed package with a rich dependency that was never met",
    installed: [pkg("m1-1-1"), pkg("z4-3-1", { conflicts: ["m1"] }), pkg("m3-3-1", { requires: ["(z4 and cap3)"] })],
    available: [
      pkg("m1-1-1"),
      pkg("m1-2-1"),
      pkg("z4-3-1", { conflicts: ["m1"] }),
      pkg("m3-3-1", { requires: ["(z4 and cap3)"] }),
    ],
    command: ["upgrade", "m1"],
  },
  {
    // ... but one that only its own Provides make unmeetable (cap1 without cap3) still keeps cap1's other
    // providers out.
    name: "installed package with a rich dependency on its own capability",
    installed: [pkg("x7-1-1", { provides: ["cap1"], requires: ["(cap3 if cap1)"] }), pkg("c2-1-1")],
    available: [pkg("c2-1-1"), pkg("c2-2-1", { provides: ["cap1"] })],
    command: ["upgrade", "c2"],
  },
];

let tmp = "";
const tally = { cases: 0, same: 0 };
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "grove-solver-upgrade-"));
});
afterAll(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  if (tally.cases > 0) console.log(`upgrades: ${tally.cases} requests, ${tally.same} identical`);
});

describe.skipIf(!haveDnf)("solver vs dnf with an installed system", () => {
  SCENARIOS.forEach((scenario, index) => {
    for (const weakDeps of [true, false]) {
      it(`${scenario.name} (weak deps ${weakDeps ? "on" : "off"})`, async () => {
        const root = path.join(tmp, `root${index}-${weakDeps}`);
        const dir = path.join(tmp, `repo${index}-${weakDeps}`);
        const order = await makeInstalledRoot(root, scenario.installed);
        const system = order.map((nevra) => scenario.installed.find((p) => nevraOf(p) === nevra) as SolverPackage);
        writeRepo(
          dir,
          scenario.available.map((p) => ({ pkg: p })),
        );
        const dnf = await dnfRun([{ id: "r", dir }], scenario.command, weakDeps, root);
        const repo = solverRepoFrom(await loadRepo(makeRepoConfig("r", { baseurl: [`file://${dir}/`] }), {}));
        const [verb, ...specs] = scenario.command;
        const request =
          verb === "upgrade" ? { upgrade: specs.length === 0 ? (true as const) : specs } : { install: specs };
        let grove: string[] = [];
        let replaced: string[] = [];
        let problems: string[][] = [];
        try {
          const tx = await solve({ repos: [repo], installed: system, weakDeps, ...request });
          grove = [...tx.install, ...tx.upgrade.map((u) => u.to), ...tx.downgrade.map((d) => d.to)].map(nevraOf).sort();
          replaced = tx.obsoleted.map((o) => nevraOf(o.package)).sort();
        } catch (err) {
          if (!(err instanceof SolveError)) throw err;
          problems = err.problems.map((p) => [...p.rules]);
        }
        tally.cases++;
        if (problems.length === 0 && dnf.problems.length === 0)
          expect(grove.length + replaced.length).toBeGreaterThan(0);
        if (process.env.GROVE_SOLVER_ORACLE_VERBOSE) console.log(scenario.name, weakDeps, grove, replaced, problems);
        expect(grove).toEqual([...dnf.install.keys()].sort());
        expect(replaced).toEqual(dnf.replaced.sort());
        expect(problems).toEqual(dnf.problems);
        tally.same++;
      });
    }
  });
});
