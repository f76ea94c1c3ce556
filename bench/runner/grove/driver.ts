/**
 * How the benchmark drives grove: a {@link GroveDriver} turns "assemble root NAME from SPECS in grove
 * directory DIR" into a command to time. Two exist: the `grove` CLI, and a stand-in process written against
 * the libraries (used until the CLI has the commands, or on request).
 * @packageDocumentation
 */
import type { GroveRepo } from "../grove-lib/bench-repos.js";
import type { CommandSpec } from "../measured-command.js";

export type { GroveRepo } from "../grove-lib/bench-repos.js";

/** What a grove command reported. */
export interface GroveOutcome {
  /** Packages in the root (assemble, upgrade) or the solution (solve). */
  packages?: number;
  /** Packages that changed (upgrade). */
  changed?: number;
}

/** The operations the scenarios need from grove. */
export interface GroveDriver {
  /** `cli` or `library`. */
  readonly kind: "cli" | "library";
  /** How the results table names this grove (`grove CLI`, `grove (library stand-in)`). */
  readonly label: string;
  /** Creates an empty grove directory `dir` (which must not exist) using `repos`; not timed. */
  init(dir: string, repos: readonly GroveRepo[]): Promise<void>;
  /** Replaces the repositories grove directory `dir` uses; not timed. */
  setRepos(dir: string, repos: readonly GroveRepo[]): Promise<void>;
  /** Assembles root `name` from `specs` (a new root, or a new generation of it). */
  assemble(dir: string, name: string, specs: readonly string[]): CommandSpec;
  /** Upgrades root `name` from the current repositories. */
  upgrade(dir: string, name: string): CommandSpec;
  /** Solves `specs` over the repositories, installing nothing. */
  solve(dir: string, specs: readonly string[]): CommandSpec;
  /** Removes root `name` with all its generations. */
  remove(dir: string, name: string): CommandSpec;
  /** What the output of an assemble, upgrade or solve command says it did (what it does not say is left out). */
  outcome(stdout: string): GroveOutcome;
  /** The current tree of root `name`. */
  rootPath(dir: string, name: string): string;
  /** Directories under `dir` that hold caches (downloaded packages, metadata), left out of disk usage. */
  cacheDirs(dir: string): string[];
}
