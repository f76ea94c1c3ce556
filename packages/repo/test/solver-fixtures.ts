/**
 * Helpers for the solver's unit tests: synthetic packages written compactly.
 */
import { type Dependency, parseSenseOperator } from "@grove/rpm";
import {
  nevraOf,
  type SolveInput,
  type SolverPackage,
  type SolverRepo,
  solve,
  type Transaction,
} from "../src/solver/index.js";

/** Dependency lists of a synthetic package, each entry like `foo`, `foo >= 1.0-2` or `(a or b)`. */
export interface DepSpec {
  requires?: string[];
  provides?: string[];
  conflicts?: string[];
  obsoletes?: string[];
  recommends?: string[];
  suggests?: string[];
  supplements?: string[];
  enhances?: string[];
  files?: string[];
}

/** Parse `foo`, `foo >= 1.0` into a dependency (rich ones stay whole). */
export function dep(text: string): Dependency {
  if (text.startsWith("(")) return { name: text, flags: 0, evr: "" };
  const m = /^(\S+)\s+(\S+)\s+(\S+)$/.exec(text.trim());
  if (m === null) return { name: text.trim(), flags: 0, evr: "" };
  return { name: m[1] as string, flags: parseSenseOperator(m[2] as string), evr: m[3] as string };
}

/**
 * A synthetic package from `name-[epoch:]version-release.arch` (arch defaults to noarch when missing).
 * Like createrepo, it provides itself (`name = [epoch:]version-release`).
 */
export function pkg(nevra: string, deps: DepSpec = {}): SolverPackage {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+?)(?:\.([^.-]+))?$/.exec(nevra);
  if (m === null) throw new Error(`bad nevra ${nevra}`);
  const [, name, epoch, version, release, arch] = m as unknown as [
    string,
    string,
    string | undefined,
    string,
    string,
    string | undefined,
  ];
  const evr = `${epoch !== undefined && epoch !== "0" ? `${epoch}:` : ""}${version}-${release}`;
  return {
    name,
    arch: arch ?? "noarch",
    epoch: epoch === undefined ? 0 : Number(epoch),
    version,
    release,
    files: deps.files ?? [],
    dependencies: {
      provides: [{ name, flags: 8, evr }, ...(deps.provides ?? []).map(dep)],
      requires: (deps.requires ?? []).map(dep),
      conflicts: (deps.conflicts ?? []).map(dep),
      obsoletes: (deps.obsoletes ?? []).map(dep),
      recommends: (deps.recommends ?? []).map(dep),
      suggests: (deps.suggests ?? []).map(dep),
      supplements: (deps.supplements ?? []).map(dep),
      enhances: (deps.enhances ?? []).map(dep),
    },
  };
}

/** A repository of synthetic packages. */
export function repo(id: string, packages: SolverPackage[], extra: Partial<SolverRepo> = {}): SolverRepo {
  return { id, packages, ...extra };
}

/** Solve and return the NEVRAs of what ends up installed, sorted. */
export async function installed(input: SolveInput): Promise<string[]> {
  const tx = await solve(input);
  return tx.result.map(nevraOf).sort();
}

/** NEVRAs of a list of packages, sorted. */
export function nevras(list: readonly SolverPackage[]): string[] {
  return list.map(nevraOf).sort();
}

/** The transaction as sorted NEVRA lists, for compact assertions. */
export function summary(tx: Transaction): {
  install: string[];
  upgrade: string[];
  obsoleted: string[];
  remove: string[];
} {
  return {
    install: nevras(tx.install),
    upgrade: tx.upgrade.map((u) => `${nevraOf(u.from)} -> ${nevraOf(u.to)}`).sort(),
    obsoleted: tx.obsoleted.map((o) => `${nevraOf(o.package)} by ${nevraOf(o.by)}`).sort(),
    remove: nevras(tx.remove),
  };
}
