/**
 * Drives grove through the library stand-in (`grove-lib/main.js`), one process per operation like the CLI.
 * @packageDocumentation
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { initStore } from "@grove/core";
import { writeBenchRepos } from "../grove-lib/bench-repos.js";
import { standInCacheDir } from "../grove-lib/resolve-packages.js";
import { type CommandSpec, defaultEnv } from "../measured-command.js";
import { withoutProxy } from "../reference-env.js";
import type { GroveDriver, GroveOutcome, GroveRepo } from "./driver.js";

const standIn = fileURLToPath(new URL("../grove-lib/main.js", import.meta.url));

/** The library stand-in as a {@link GroveDriver}. */
export class LibraryDriver implements GroveDriver {
  readonly kind = "library";
  readonly label = "grove (library stand-in)";

  async init(dir: string, repos: readonly GroveRepo[]): Promise<void> {
    mkdirSync(dir, { recursive: true });
    await initStore(dir);
    writeBenchRepos(dir, repos);
  }

  async setRepos(dir: string, repos: readonly GroveRepo[]): Promise<void> {
    writeBenchRepos(dir, repos);
  }

  assemble(dir: string, name: string, specs: readonly string[]): CommandSpec {
    return this.command(["assemble", dir, name, ...specs]);
  }

  upgrade(dir: string, name: string): CommandSpec {
    return this.command(["upgrade", dir, name]);
  }

  solve(dir: string, specs: readonly string[]): CommandSpec {
    return this.command(["solve", dir, ...specs]);
  }

  remove(dir: string, name: string): CommandSpec {
    return this.command(["rm", dir, name]);
  }

  outcome(stdout: string): GroveOutcome {
    try {
      const parsed = JSON.parse(stdout) as { packages?: unknown; changed?: unknown };
      return {
        ...(typeof parsed.packages === "number" ? { packages: parsed.packages } : {}),
        ...(typeof parsed.changed === "number" ? { changed: parsed.changed } : {}),
      };
    } catch {
      return {};
    }
  }

  rootPath(dir: string, name: string): string {
    return path.join(dir, "roots", name);
  }

  cacheDirs(dir: string): string[] {
    return [standInCacheDir(dir)];
  }

  private command(args: string[]): CommandSpec {
    return { command: process.execPath, args: [standIn, ...args], env: withoutProxy(defaultEnv()) };
  }
}
