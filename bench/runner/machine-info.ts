/**
 * The machine and checkout a benchmark ran on, for the header of the results.
 * @packageDocumentation
 */
import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";

/** Where and when the benchmark ran. */
export interface MachineInfo {
  /** Logical CPUs. */
  cpus: number;
  /** CPU model name. */
  cpuModel: string;
  /** Physical memory in GiB. */
  memoryGiB: number;
  /** Node.js version. */
  node: string;
  /** `git rev-parse --short HEAD`, with `+dirty` when the work tree has changes. */
  commit: string;
  /** ISO date and time of the start. */
  date: string;
  /** Load averages (1, 5, 15 minutes) at the start. */
  loadAtStart: number[];
}

/**
 * Describes this machine and the checkout in `repoRoot`.
 * @param repoRoot - the repository's root directory
 */
export function machineInfo(repoRoot: string): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    commit: gitCommit(repoRoot),
    date: new Date().toISOString(),
    loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** The current 1-minute load average. */
export function currentLoad(): number {
  return loadavg()[0] ?? 0;
}

function gitCommit(repoRoot: string): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    const status = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    return status.trim() === "" ? head : `${head}+dirty`;
  } catch {
    return "unknown";
  }
}
