/**
 * Running the built `grove` CLI as an unprivileged user. CI runs as root, so there the CLI runs
 * under `setpriv --reuid=65534 --regid=65534 --clear-groups` (nobody/nogroup); a non-root user
 * runs it as itself. The child is spawned asynchronously, so a test can serve HTTP meanwhile.
 */
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./real-rpm-fixtures.js";

/** The uid and gid the CLI runs as when the test runs as root (the kernel's overflow id, "nobody"). */
export const UNPRIVILEGED_ID = 65534;

/** The built CLI: what the `grove` bin runs (`dist/grove.cjs`, which runs the bundle `npm run build` makes). */
export const cliMain = path.join(repoRoot, "packages/cli/dist/grove.cjs");

/** True when this process is root (the CLI then runs through setpriv). */
export const runningAsRoot = process.getuid?.() === 0;

/** What a CLI run produced. */
export interface GroveRun {
  /** Exit status. */
  status: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
  /** Wall-clock milliseconds of the whole process. */
  ms: number;
}

/** Why the CLI cannot run unprivileged here, or `undefined` when it can. */
export function unprivilegedUnavailable(): string | undefined {
  if (!existsSync(cliMain)) return `${cliMain} does not exist: run 'npm run build' first`;
  if (!runningAsRoot) return undefined;
  if (spawnSync("sh", ["-c", "command -v setpriv"]).status !== 0) return "setpriv (util-linux) is not installed";
  const probe = spawnSync("setpriv", [
    ...setprivArgs(),
    process.execPath,
    "-e",
    `require("fs").accessSync(${JSON.stringify(cliMain)})`,
  ]);
  if (probe.status !== 0) return `uid ${UNPRIVILEGED_ID} cannot read ${cliMain}: ${probe.stderr}`;
  return undefined;
}

/**
 * Creates a directory the CLI's user owns (mode 0755).
 * @param dir - the directory (its parents must be searchable by that user)
 */
export function makeUserDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  if (runningAsRoot) chownSync(dir, UNPRIVILEGED_ID, UNPRIVILEGED_ID);
  return dir;
}

/**
 * Runs `node packages/cli/dist/grove.cjs ...args` as the unprivileged user.
 * @param args - CLI arguments
 * @param env - extra environment (HOME should be a directory that user owns)
 */
export function runGroveUnprivileged(args: readonly string[], env: Record<string, string> = {}): Promise<GroveRun> {
  const command = runningAsRoot ? "setpriv" : process.execPath;
  const argv = runningAsRoot ? [...setprivArgs(), process.execPath, cliMain, ...args] : [cliMain, ...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ status: code ?? -1, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
  });
}

function setprivArgs(): string[] {
  return [`--reuid=${UNPRIVILEGED_ID}`, `--regid=${UNPRIVILEGED_ID}`, "--clear-groups"];
}
