/**
 * Drives the `grove` CLI as users run it: the `grove` bin, `packages/cli/bin/grove.js --store DIR ...` (its shell
 * line sets the launcher's memory settings and starts Node, which runs the bundle `npm run build` makes,
 * `dist/grove-bundle.cjs`, with its code cache).
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { type CommandSpec, defaultEnv, runMeasured } from "../measured-command.js";
import { withoutProxy } from "../reference-env.js";
import type { GroveDriver, GroveOutcome, GroveRepo } from "./driver.js";

/** The subcommands the benchmark needs. */
const NEEDED = ["init", "repo", "assemble", "upgrade", "solve", "rm"] as const;

/** The built CLI in a checkout: the bundle that the `grove` bin runs. */
export function cliMain(repoRoot: string): string {
  return path.join(repoRoot, "packages", "cli", "dist", "grove.js");
}

/**
 * The subcommands the built CLI lacks (all of them when it is not built).
 * @param repoRoot - the repository's root directory
 */
export function missingCliCommands(repoRoot: string): string[] {
  const main = cliMain(repoRoot);
  if (!existsSync(main)) return [...NEEDED];
  const help = spawnSync(process.execPath, [main, "--help"], { encoding: "utf8" });
  const listed = new Set([...(help.stdout ?? "").matchAll(/^ {2}(\w+)\b/gm)].map((m) => m[1]));
  return NEEDED.filter((c) => !listed.has(c));
}

/** The grove CLI as a {@link GroveDriver}. */
export class CliDriver implements GroveDriver {
  readonly kind = "cli";
  readonly label = "grove CLI";
  private readonly bin: string;

  /** @param repoRoot - the checkout whose built CLI to run */
  constructor(repoRoot: string) {
    this.bin = path.join(repoRoot, "packages", "cli", "bin", "grove.js");
  }

  async init(dir: string, repos: readonly GroveRepo[]): Promise<void> {
    await runMeasured(this.command(["init", dir]));
    for (const repo of repos) await runMeasured(this.grove(dir, ["repo", "add", repo.id, repo.url]));
  }

  async setRepos(dir: string, repos: readonly GroveRepo[]): Promise<void> {
    const listed = await runMeasured(this.grove(dir, ["repo", "list", "--json"]));
    const current = JSON.parse(listed.stdout) as Array<{ id: string; baseurl: string[] }>;
    for (const repo of current) {
      const wanted = repos.find((r) => r.id === repo.id);
      if (wanted === undefined || repo.baseurl.join(" ") !== wanted.url) {
        await runMeasured(this.grove(dir, ["repo", "rm", repo.id]));
      }
    }
    for (const repo of repos) {
      const kept = current.find((r) => r.id === repo.id && r.baseurl.join(" ") === repo.url);
      if (kept === undefined) await runMeasured(this.grove(dir, ["repo", "add", repo.id, repo.url]));
    }
  }

  assemble(dir: string, name: string, specs: readonly string[]): CommandSpec {
    return this.grove(dir, ["assemble", "--json", "--no-weak-deps", name, ...specs]);
  }

  upgrade(dir: string, name: string): CommandSpec {
    return this.grove(dir, ["upgrade", "--json", name]);
  }

  solve(dir: string, specs: readonly string[]): CommandSpec {
    return this.grove(dir, ["solve", "--json", "--no-weak-deps", ...specs]);
  }

  remove(dir: string, name: string): CommandSpec {
    return this.grove(dir, ["rm", name]);
  }

  outcome(stdout: string): GroveOutcome {
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      return {};
    }
    if (Array.isArray(parsed)) {
      // assemble / upgrade: one RootResult per root
      const root = parsed[0] as { packages?: unknown; upgraded?: unknown; added?: unknown; removed?: unknown };
      const length = (x: unknown) => (Array.isArray(x) ? x.length : 0);
      return {
        ...(Array.isArray(root?.packages) ? { packages: root.packages.length } : {}),
        changed: length(root?.upgraded) + length(root?.added) + length(root?.removed),
      };
    }
    const install = (parsed as { install?: unknown } | null)?.install;
    return Array.isArray(install) ? { packages: install.length } : {};
  }

  rootPath(dir: string, name: string): string {
    return path.join(dir, "roots", name);
  }

  cacheDirs(dir: string): string[] {
    // Downloads, repository metadata, checkout recipes and solutions: all rebuilt on demand, deletable at any time
    // (the table's note gives their size). cache/rpmdb and cache/symlinks hold what roots share and are counted.
    return ["packages", "repos", "checkouts", "solve"].map((sub) => path.join(dir, "cache", sub));
  }

  private grove(dir: string, args: readonly string[]): CommandSpec {
    return this.command(["--store", dir, ...args]);
  }

  private command(args: readonly string[]): CommandSpec {
    return { command: this.bin, args: [...args], env: withoutProxy(defaultEnv()) };
  }
}
