/**
 * Test helpers: run the built `grove` CLI as a subprocess and locate the shared fixtures.
 */
import { type SpawnOptions, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (packages/cli/test -> ../../..). */
export const repoRoot = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");

/**
 * The CLI the tests run: what `bin/grove.js` runs (`dist/grove.cjs`, which runs the bundle `npm run build` makes with
 * its code cache), not the per-file `dist/main.js`.
 */
export const cliMain = path.join(repoRoot, "packages/cli/dist/grove.cjs");

/** The shared real-RPM fixtures, beside the repository. */
export const realRpmsDir = path.resolve(repoRoot, "../shared/fixtures/real-rpms");

/**
 * Whether the fixtures exist. When they do not: outside CI, tests skip (with a message saying why);
 * under CI, this throws so the run fails loudly.
 */
export function fixturesAvailable(): boolean {
  if (existsSync(realRpmsDir)) return true;
  if (process.env.CI) throw new Error(`shared fixtures missing at ${realRpmsDir}; CI must provide ../shared`);
  console.warn(`skipping fixture tests: ${realRpmsDir} does not exist (no ../shared beside the repository)`);
  return false;
}

/** What a CLI run produced. */
export interface CliRun {
  /** Exit status. */
  status: number;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/** Runs `node packages/cli/dist/grove.cjs ...args` and waits for it. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliRun {
  if (!existsSync(cliMain)) throw new Error(`${cliMain} does not exist: run 'npm run build' first`);
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GROVE_DEBUG: "", ...env },
  });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Runs `command` asynchronously (for a test whose server lives in the test process) and collects its output.
 * @param command - the executable
 * @param args - its arguments
 * @param options - spawn options (environment, ...)
 */
export function spawnCollected(command: string, args: readonly string[], options: SpawnOptions): Promise<CliRun> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

/** Runs a reference tool (e.g. `rpm`) and returns its stdout; throws when it fails. */
export function runTool(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}
