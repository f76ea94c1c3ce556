import type { SolverPackage } from "@grove/repo";
import { RpmSense } from "@grove/rpm/version";

/** Requires only needed around erasure (`Requires(preun)`, `Requires(postun)`) do not order an install. */
const ERASE_ONLY = RpmSense.SCRIPT_PREUN | RpmSense.SCRIPT_POSTUN;
/** The install-time context bits: a dependency carrying one of these is needed at install time. */
const INSTALL_CONTEXT = RpmSense.PREREQ | RpmSense.SCRIPT_PRE | RpmSense.SCRIPT_POST;

/**
 * Orders a package set the way an rpm transaction installs it, simplified: a package comes after
 * the packages that provide what it requires (one provider per requirement: the first by name),
 * ties and dependency cycles broken by name. Rich dependencies and `rpmlib(...)` capabilities do
 * not order anything. The order decides which package's directory metadata wins in a checkout
 * and the rpmdb's row numbers; it is deterministic for a given set.
 * @param packages - the packages (any order)
 * @returns the same packages, in install order
 */
export function installOrder<P extends SolverPackage>(packages: readonly P[]): P[] {
  const sorted = [...packages].sort((a, b) => compareNames(a, b));
  const providers = new Map<string, number[]>();
  const provide = (name: string, at: number) => {
    const list = providers.get(name);
    if (list === undefined) providers.set(name, [at]);
    else if (list[list.length - 1] !== at) list.push(at);
  };
  sorted.forEach((pkg, at) => {
    provide(pkg.name, at);
    for (const dep of pkg.dependencies.provides ?? []) provide(dep.name, at);
    for (const file of pkg.files ?? []) provide(file, at);
  });

  const after: number[][] = sorted.map(() => []);
  const waiting = new Int32Array(sorted.length);
  sorted.forEach((pkg, at) => {
    const seen = new Set<number>();
    for (const dep of pkg.dependencies.requires ?? []) {
      if (dep.name.startsWith("(") || dep.name.startsWith("rpmlib(")) continue;
      if ((dep.flags & ERASE_ONLY) !== 0 && (dep.flags & INSTALL_CONTEXT) === 0) continue;
      const first = providers.get(dep.name)?.find((p) => p !== at);
      if (first === undefined || seen.has(first)) continue;
      seen.add(first);
      (after[first] as number[]).push(at);
      waiting[at] = (waiting[at] as number) + 1;
    }
  });

  const done = new Uint8Array(sorted.length);
  const order: P[] = [];
  // `sorted` is by name, so scanning it from the start finds the first ready package by name.
  while (order.length < sorted.length) {
    let next = -1;
    for (let i = 0; i < sorted.length; i++) {
      if (done[i] === 0 && waiting[i] === 0) {
        next = i;
        break;
      }
    }
    if (next < 0) next = cycleBreaker(waiting, done);
    done[next] = 1;
    order.push(sorted[next] as P);
    for (const later of after[next] as number[]) waiting[later] = (waiting[later] as number) - 1;
  }
  return order;
}

/** In a cycle: the package waiting for the fewest others (first by name among equals). */
function cycleBreaker(waiting: Int32Array, done: Uint8Array): number {
  let best = -1;
  for (let i = 0; i < waiting.length; i++) {
    if (done[i] !== 0) continue;
    if (best < 0 || (waiting[i] as number) < (waiting[best] as number)) best = i;
  }
  return best;
}

function compareNames(a: SolverPackage, b: SolverPackage): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.arch < b.arch ? -1 : a.arch > b.arch ? 1 : 0;
}
