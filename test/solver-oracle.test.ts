/**
 * The solver against the real dnf (4.14, libsolv 0.7): the same metadata-only repositories are given to
 * `dnf --installroot=EMPTY --assumeno install ...` and to grove (loaded with grove's own rpm-md loader), and
 * the sets of packages to install must be identical — with weak dependencies on and off. Unsolvable requests
 * must fail in both, with the same explanations. Synthetic repositories probe one rule of dnf's behaviour
 * each (alternatives, backtracking, conflicts, obsoletes, rich dependencies, weak dependencies, priorities
 * and costs, file dependencies, failures); the real CentOS Stream 9 BaseOS metadata checks realistic requests.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRepo, makeRepoConfig } from "../packages/repo/src/index.js";
import type { TablePackage } from "../packages/repo/src/model/table-package.js";
import { nevraOf, SolveError, type SolverRepo, solve, solverRepoFrom } from "../packages/repo/src/solver/index.js";
import { pkg } from "../packages/repo/test/solver-fixtures.js";
import { type DnfRepo, dnfAvailable, dnfInstall, type RepoEntry, writeRepo } from "./solver-oracle-dnf.js";

const repoRoot = path.resolve(import.meta.dirname, "..");
const centosDir = path.resolve(repoRoot, "../shared/fixtures/real-repodata/centos-stream9-baseos");
const haveDnf = await dnfAvailable();
if (!haveDnf) {
  if (process.env.CI) throw new Error("dnf is not installed (required in CI for the solver oracle test)");
  console.warn("skipping solver-oracle.test.ts: dnf is not installed");
}
const haveCentos = existsSync(path.join(centosDir, "repodata", "repomd.xml"));
if (!haveCentos) {
  if (process.env.CI) throw new Error(`CentOS Stream 9 BaseOS fixture missing at ${centosDir} (required in CI)`);
  console.warn(`skipping the CentOS part of solver-oracle.test.ts: ${centosDir} not found`);
}

interface ScenarioRepo {
  id: string;
  packages: Array<ReturnType<typeof pkg> | RepoEntry>;
  priority?: number;
  cost?: number;
}

interface Scenario {
  name: string;
  repos: ScenarioRepo[];
  specs: string[];
}

const x = (nevra: string, deps: Parameters<typeof pkg>[1] = {}) =>
  pkg(nevra.includes(".") ? nevra : `${nevra}.x86_64`, deps);

/** One rule of dnf's behaviour each. */
const SCENARIOS: Scenario[] = [
  {
    name: "alternative providers: the name that sorts first wins",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["mta"] }),
          x("zmail-1-1", { provides: ["mta"] }),
          x("amail-1-1", { provides: ["mta"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "versioned alternatives",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["cap >= 2"] }),
          x("p-1-1", { provides: ["cap = 1"] }),
          x("r-3-1", { provides: ["cap = 3"] }),
          x("q-2-1", { provides: ["cap = 2"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "backtracking to an older version",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["lib", "tool"] }),
          x("lib-1-1", { requires: ["base"] }),
          x("lib-2-1", { requires: ["base >= 2"] }),
          x("tool-1-1", { conflicts: ["base >= 2"] }),
          x("base-1-1"),
          x("base-2-1"),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "a conflict decides between alternatives",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["editor", "common"] }),
          x("aaa-editor-1-1", { provides: ["editor"], conflicts: ["common"] }),
          x("bbb-editor-1-1", { provides: ["editor"] }),
          x("common-1-1"),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "deep alternatives with a late conflict",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["x", "y"] }),
          x("x1-1-1", { provides: ["x"], requires: ["z1"] }),
          x("x2-1-1", { provides: ["x"], requires: ["z2"] }),
          x("y-1-1", { requires: ["w"] }),
          x("w-1-1", { conflicts: ["z1"] }),
          x("z1-1-1"),
          x("z2-1-1"),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "an already chosen provider satisfies later requirements",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["shell", "zsh"] }),
          x("bash-5-1", { provides: ["shell"] }),
          x("zsh-5-1", { provides: ["shell"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "obsoletes: a request for the old name installs its replacement",
    repos: [
      {
        id: "r",
        packages: [x("oldname-1-1"), x("newname-2-1", { obsoletes: ["oldname < 2"], provides: ["oldname = 2-1"] })],
      },
    ],
    specs: ["oldname"],
  },
  {
    name: "obsoletes remove an alternative",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["impl"] }),
          x("aimpl-1-1", { provides: ["impl"] }),
          x("bimpl-1-1", { provides: ["impl"], obsoletes: ["aimpl"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "rich dependencies: or, if, unless, with, without",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", {
            requires: [
              "(b or c)",
              "(d if e)",
              "(f if g else h)",
              "(libfoo with libfoo-devel-compat)",
              "(lang without lang-old)",
              "(i unless j)",
            ],
          }),
          x("b-1-1"),
          x("c-1-1"),
          x("d-1-1"),
          x("e-1-1"),
          x("f-1-1"),
          x("g-1-1"),
          x("h-1-1"),
          x("i-1-1"),
          x("j-1-1"),
          x("foo1-1-1", { provides: ["libfoo"] }),
          x("foo2-1-1", { provides: ["libfoo", "libfoo-devel-compat"] }),
          x("lang1-1-1", { provides: ["lang", "lang-old"] }),
          x("lang2-1-1", { provides: ["lang"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "rich conditional triggered by another request",
    repos: [
      {
        id: "r",
        packages: [x("app-1-1", { requires: ["(plugin if host)"] }), x("host-1-1"), x("plugin-1-1")],
      },
    ],
    specs: ["app", "host"],
  },
  {
    name: "rich conflicts",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["backend"], conflicts: ["(aback and extra)"] }),
          x("aback-1-1", { provides: ["backend"] }),
          x("bback-1-1", { provides: ["backend"] }),
          x("extra-1-1"),
        ],
      },
    ],
    specs: ["app", "extra"],
  },
  {
    name: "weak dependencies: recommends, chains, supplements",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { recommends: ["docs", "missing-thing"] }),
          x("docs-1-1", { recommends: ["viewer"] }),
          x("viewer-1-1"),
          x("app-lang-1-1", { supplements: ["app"] }),
          x("app-extra-1-1", { supplements: ["(app and nothere)"] }),
          x("app-plugin-1-1", { supplements: ["(app and docs)"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "a recommended package that cannot be installed is skipped",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { recommends: ["helper"], requires: ["core"] }),
          x("helper-1-1", { conflicts: ["core"] }),
          x("core-1-1"),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "recommendations steer the choice between alternatives",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["backend"], recommends: ["zzz-backend"] }),
          x("aaa-backend-1-1", { provides: ["backend"] }),
          x("zzz-backend-1-1", { provides: ["backend"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "repository priority beats version",
    repos: [
      { id: "low", priority: 10, packages: [x("tool-1-1")] },
      { id: "high", priority: 50, packages: [x("tool-2-1")] },
    ],
    specs: ["tool"],
  },
  {
    name: "repository cost breaks ties between equal versions",
    repos: [
      { id: "expensive", cost: 2000, packages: [x("tool-1-1"), x("dep-1-1")] },
      { id: "cheap", cost: 500, packages: [x("tool-1-1", { requires: ["dep"] }), x("dep-1-1")] },
    ],
    specs: ["tool"],
  },
  {
    name: "file dependencies from primary and from filelists",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["/usr/bin/interp", "/usr/share/data/file.dat"] }),
          x("interp-1-1", { files: ["/usr/bin/interp"] }),
          { pkg: x("data-1-1"), extraFiles: ["/usr/share/data/file.dat"] },
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "install by provide and by file path",
    repos: [
      {
        id: "r",
        packages: [
          x("httpd-2-1", { provides: ["webserver"], files: ["/usr/sbin/httpd"] }),
          x("nginx-1-1", { provides: ["webserver"] }),
        ],
      },
    ],
    specs: ["webserver", "/usr/sbin/httpd"],
  },
  {
    name: "common versioned provide prefers the higher version",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["python(abi)"] }),
          x("alpha-py-3.9-1", { provides: ["python(abi) = 3.9"] }),
          x("beta-py-3.11-1", { provides: ["python(abi) = 3.11"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "minimisation: a provider pulled in anyway replaces the first choice",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["cap"] }),
          x("zapp-1-1", { requires: ["bprov"] }),
          x("aprov-1-1", { provides: ["cap"] }),
          x("bprov-1-1", { provides: ["cap"] }),
        ],
      },
    ],
    specs: ["app", "zapp"],
  },
  {
    name: "version specs, epochs and arch",
    repos: [
      {
        id: "r",
        packages: [
          x("tool-1.0-1"),
          x("tool-1.5-1"),
          x("tool-1:0.9-1"),
          x("lib-2.0-1", {}),
          pkg("lib-2.0-1.noarch"),
          x("other-3-1"),
        ],
      },
    ],
    specs: ["tool-1.5", "lib.noarch", "other-3-1.x86_64"],
  },
  {
    name: "same name: one version only",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["lib = 1"] }),
          x("more-1-1", { requires: ["lib"] }),
          x("lib-1-1"),
          x("lib-2-1"),
        ],
      },
    ],
    specs: ["app", "more"],
  },
  {
    name: "supplements are installed before recommendations, a conflicting recommendation is skipped",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { recommends: ["docs", "absent"], requires: ["core"] }),
          x("core-1-1"),
          x("docs-1-1", { recommends: ["viewer"] }),
          x("viewer-1-1"),
          x("app-lang-1-1", { supplements: ["app"] }),
          x("helper-1-1", { supplements: ["core"], conflicts: ["docs"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "rich if-else chooses the clause's first name",
    repos: [
      { id: "r", packages: [x("app-1-1", { requires: ["(b if c else d)"] }), x("b-1-1"), x("c-1-1"), x("d-1-1")] },
    ],
    specs: ["app"],
  },
  {
    name: "the preferred first choice fails and the search backtracks",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["s1", "s2", "s3"] }),
          x("a-1-1", { provides: ["s1", "s2"], conflicts: ["b", "c", "d"] }),
          x("b-1-1", { provides: ["s1"] }),
          x("c-1-1", { provides: ["s2", "s3"] }),
          x("d-1-1", { provides: ["s3"], conflicts: ["c"] }),
        ],
      },
    ],
    specs: ["app"],
  },
  {
    name: "glob specs install every matching name",
    repos: [
      { id: "r", packages: [x("python3-foo-1-1"), x("python3-bar-1-1"), x("python3-bar-2-1"), x("perl-foo-1-1")] },
    ],
    specs: ["python3-*"],
  },
  {
    name: "a versioned provide request",
    repos: [
      {
        id: "r",
        packages: [x("liba-1-1", { provides: ["libfoo = 1.0"] }), x("libb-1-1", { provides: ["libfoo = 2.0"] })],
      },
    ],
    specs: ["libfoo >= 2"],
  },
  {
    name: "unsolvable: nothing provides",
    repos: [{ id: "r", packages: [x("app-1-1", { requires: ["ghost >= 1"] })] }],
    specs: ["app"],
  },
  {
    name: "unsolvable: best candidate is broken",
    repos: [{ id: "r", packages: [x("app-1-1"), x("app-2-1", { requires: ["ghost"] })] }],
    specs: ["app"],
  },
  {
    name: "unsolvable: conflicting requests",
    repos: [{ id: "r", packages: [x("a-1-1", { conflicts: ["b"] }), x("b-1-1")] }],
    specs: ["a", "b"],
  },
  {
    name: "unsolvable: no provider can be installed",
    repos: [
      {
        id: "r",
        packages: [
          x("app-1-1", { requires: ["impl"] }),
          x("impl1-1-1", { provides: ["impl"], requires: ["gone"] }),
          x("impl2-1-1", { provides: ["impl"], conflicts: ["app"] }),
        ],
      },
    ],
    specs: ["app"],
  },
];

const tally = { synthetic: 0, syntheticSame: 0, centos: 0, centosSame: 0 };
let tmp = "";

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "grove-solver-oracle-"));
});
afterAll(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  if (tally.synthetic > 0) console.log(`synthetic: ${tally.synthetic} requests, ${tally.syntheticSame} identical`);
  if (tally.centos > 0) console.log(`CentOS Stream 9 BaseOS: ${tally.centos} requests, ${tally.centosSame} identical`);
});

/** What grove decides: NEVRA to repository id, or the problems. */
async function groveInstall(
  repos: SolverRepo<TablePackage>[],
  specs: string[],
  weakDeps: boolean,
): Promise<{ install: Map<string, string>; problems: string[][] }> {
  try {
    const tx = await solve({ repos, install: specs, weakDeps });
    return { install: new Map(tx.install.map((p) => [nevraOf(p), p.repoId])), problems: [] };
  } catch (err) {
    if (err instanceof SolveError) return { install: new Map(), problems: err.problems.map((p) => [...p.rules]) };
    throw err;
  }
}

async function loadSolverRepo(
  id: string,
  dir: string,
  priority?: number,
  cost?: number,
): Promise<SolverRepo<TablePackage>> {
  const config = makeRepoConfig(id, {
    baseurl: [`file://${dir}/`],
    ...(priority === undefined ? {} : { priority }),
    ...(cost === undefined ? {} : { cost }),
  });
  return solverRepoFrom(await loadRepo(config, {}));
}

describe.skipIf(!haveDnf)("solver vs dnf on synthetic repositories", () => {
  SCENARIOS.forEach((scenario, index) => {
    for (const weakDeps of [true, false]) {
      it(`${scenario.name} (weak deps ${weakDeps ? "on" : "off"})`, async () => {
        const dnfRepos: DnfRepo[] = [];
        const groveRepos: SolverRepo<TablePackage>[] = [];
        for (const repo of scenario.repos) {
          const dir = path.join(tmp, `s${index}-${repo.id}`);
          if (!existsSync(dir))
            writeRepo(
              dir,
              repo.packages.map((p) => ("pkg" in p ? p : { pkg: p })),
            );
          dnfRepos.push({ id: repo.id, dir, priority: repo.priority, cost: repo.cost });
          groveRepos.push(await loadSolverRepo(repo.id, dir, repo.priority, repo.cost));
        }
        const dnf = await dnfInstall(dnfRepos, scenario.specs, weakDeps);
        const grove = await groveInstall(groveRepos, scenario.specs, weakDeps);
        tally.synthetic++;
        const dnfSet = [...dnf.install].map(([nevra, { repo }]) => `${nevra} @${repo}`).sort();
        const groveSet = [...grove.install].map(([nevra, repo]) => `${nevra} @${repo}`).sort();
        if (dnf.install.size === 0 && dnf.problems.length === 0)
          throw new Error(`dnf gave neither a transaction nor problems:\n${dnf.output}`);
        expect(groveSet).toEqual(dnfSet);
        expect(grove.problems).toEqual(dnf.problems);
        tally.syntheticSame++;
      });
    }
  });
});

/** Requests on the real CentOS Stream 9 BaseOS metadata (1,125 packages, metadata only). */
const CENTOS_REQUESTS = [
  "bash",
  "coreutils",
  "systemd",
  "openssh-server",
  "sudo",
  "python3",
  "dnf",
  "vim-minimal",
  "kernel",
  "NetworkManager",
  "rpm",
  "shadow-utils",
  "util-linux",
  "openssl",
  "curl",
  "tar",
  "lvm2",
  "firewalld",
  "sssd",
  "/usr/bin/python3",
  "bash coreutils-single",
  "systemd dracut",
];

describe.skipIf(!haveDnf || !haveCentos)("solver vs dnf on CentOS Stream 9 BaseOS", () => {
  let repo: SolverRepo<TablePackage>;
  beforeAll(async () => {
    repo = await loadSolverRepo("baseos", centosDir);
  });
  for (const weakDeps of [true, false]) {
    for (const request of CENTOS_REQUESTS) {
      it(`${request} (weak deps ${weakDeps ? "on" : "off"})`, async () => {
        const specs = request.split(" ");
        const dnf = await dnfInstall([{ id: "baseos", dir: centosDir }], specs, weakDeps);
        const grove = await groveInstall([repo], specs, weakDeps);
        tally.centos++;
        expect(dnf.install.size).toBeGreaterThan(0);
        expect([...grove.install.keys()].sort()).toEqual([...dnf.install.keys()].sort());
        tally.centosSame++;
      });
    }
  }
});
