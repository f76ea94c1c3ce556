import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The unprivileged user the tests run grove as when they run as root (the kernel's overflow uid). */
export const NOBODY = 65534;
/** True when the tests run as root (CI): grove then runs in a child process as {@link NOBODY}. */
export const isRoot = process.getuid?.() === 0;

const CHILD = fileURLToPath(new URL("./checkout-child.mjs", import.meta.url));
const repoRoot = path.resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
/** The shared test data directory (beside the repository). */
export const sharedDir = path.resolve(repoRoot, "../shared/fixtures");
/** The realistic corpus (bench/out), when built. */
export const benchOutDir = path.join(repoRoot, "bench", "out");

/** Why tests that need setpriv (as root) cannot run, or "" when they can. Fails in CI instead of skipping. */
export function unprivilegedSkipReason(): string {
  let reason = "";
  if (isRoot && spawnSync("setpriv", ["--version"]).status !== 0) reason = "setpriv is needed to drop privileges";
  if (reason !== "" && process.env.CI) throw new Error(`cannot run the unprivileged checkout tests in CI: ${reason}`);
  return reason;
}

/** Why tests that need the shared fixtures cannot run ("" when they can). Fails in CI instead of skipping. */
export function fixturesSkipReason(): string {
  if (existsSync(sharedDir)) return "";
  if (process.env.CI) throw new Error(`shared fixtures missing at ${sharedDir}`);
  return `shared fixtures not found at ${sharedDir}`;
}

/** A temp directory owned by the unprivileged user (removed by {@link removeUserDirs}). */
export function userDir(label: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `grove-checkout-${label}-`));
  if (isRoot) chownSync(dir, NOBODY, NOBODY);
  made.push(dir);
  return dir;
}

const made: string[] = [];

/** Removes every directory {@link userDir} made (as root, or with chmod for read-only trees). */
export function removeUserDirs(): void {
  for (const dir of made.splice(0)) {
    spawnSync("chmod", ["-R", "u+rwX", dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A package the child imported (`importEntries`, `importRpms`): what `assemble` steps take. */
export interface ImportedPackage {
  /** Its commit. */
  commitId: string;
  /** Its label (NEVRA). */
  nevra: string;
  /** Its source sha256 (the commit id for synthetic packages). */
  sha256: string;
}

/** One step for the child (see checkout-child.mjs for the ops). */
export type ChildStep = { op: string } & Record<string, unknown>;
/** A step's outcome. */
export type StepResult = { ok?: unknown; error?: { code: string; message: string; stack: string } };

function argv(): string[] {
  const args = [CHILD];
  return isRoot ? [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, ...args] : args;
}

/** Starts the child as the unprivileged user; `done` resolves with the step results (or the exit status when killed). */
export function startAsUser(
  store: string,
  steps: ChildStep[],
): {
  child: ChildProcess;
  done: Promise<{ results: StepResult[] | undefined; code: number | null; signal: string | null; stderr: string }>;
} {
  const child = spawn(isRoot ? "setpriv" : process.execPath, argv(), {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, HOME: "/nonexistent" },
  });
  child.stdin?.on("error", () => undefined); // a child killed early stops reading
  child.stdin?.end(JSON.stringify({ store, steps }));
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{
    results: StepResult[] | undefined;
    code: number | null;
    signal: string | null;
    stderr: string;
  }>((resolve) => {
    child.on("close", (code, signal) => {
      let results: StepResult[] | undefined;
      try {
        results = JSON.parse(stdout) as StepResult[];
      } catch {
        results = undefined;
      }
      resolve({ results, code, signal, stderr });
    });
  });
  return { child, done };
}

/**
 * Runs steps as the unprivileged user and returns each step's `ok` value; throws with the child's
 * error (code and message) when a step fails, unless `allowError` (then the failing step's error is last).
 */
export async function runAsUser(store: string, steps: ChildStep[], allowError = false): Promise<StepResult[]> {
  const { done } = startAsUser(store, steps);
  const r = await done;
  if (r.results === undefined) throw new Error(`child failed (code ${r.code}, signal ${r.signal}): ${r.stderr}`);
  const failed = r.results.find((x) => x.error !== undefined);
  if (failed !== undefined && !allowError) {
    throw new Error(`child step failed: ${failed.error!.code}: ${failed.error!.message}\n${failed.error!.stack}`);
  }
  return r.results;
}

/** The `ok` values of {@link runAsUser}'s results, typed loosely for tests. */
export async function runOk<T = unknown>(store: string, steps: ChildStep[]): Promise<T[]> {
  return (await runAsUser(store, steps)).map((r) => r.ok as T);
}
