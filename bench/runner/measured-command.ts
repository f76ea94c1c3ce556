/**
 * Running one command of a benchmark: wall time from spawn to exit, and its peak resident set size as GNU
 * time reports it (`/usr/bin/time -f %M`: the largest RSS of the process and of any descendant it waited for).
 * @packageDocumentation
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GroveError } from "@grove/core";

/** GNU time, which reports the peak RSS of the command it runs. */
export const GNU_TIME = "/usr/bin/time";

/** A command to run. */
export interface CommandSpec {
  /** The program. */
  command: string;
  /** Its arguments. */
  args: readonly string[];
  /** The complete environment (default: this process's, with `LC_ALL=C`). */
  env?: NodeJS.ProcessEnv;
  /** Working directory. */
  cwd?: string;
  /** Exit statuses that count as success (default `[0]`; `dnf --assumeno` exits 1). */
  okExitCodes?: readonly number[];
}

/** What one run of a command measured and printed. */
export interface CommandRun {
  /** Wall-clock milliseconds from spawn to exit. */
  wallMs: number;
  /** Peak RSS in KiB, when GNU time is installed. */
  peakRssKb: number | undefined;
  /** Exit status. */
  exitCode: number;
  /** The last 256 KiB of stdout. */
  stdout: string;
  /** The last 256 KiB of stderr. */
  stderr: string;
}

const KEEP = 256 * 1024;
let sequence = 0;

/** The environment commands run with unless told otherwise. */
export function defaultEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: "C", LANG: "C", ...extra };
}

/** One line per argument, for messages. */
export function describeCommand(spec: CommandSpec): string {
  return [spec.command, ...spec.args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(" ");
}

/**
 * Runs `spec` to completion, timing it and (with GNU time) measuring its peak RSS.
 * @throws GroveError `BENCH_COMMAND_FAILED` when it exits with a status not in `okExitCodes` or is killed
 *   (the message carries the tail of its output).
 */
export async function runMeasured(spec: CommandSpec): Promise<CommandRun> {
  const useTime = existsSync(GNU_TIME);
  const rssFile = path.join(tmpdir(), `grove-bench-rss-${process.pid}-${sequence++}`);
  const [command, args] = useTime
    ? [GNU_TIME, ["-f", "%M", "-o", rssFile, "--", spec.command, ...spec.args]]
    : [spec.command, [...spec.args]];
  const started = performance.now();
  const { code, signal, stdout, stderr } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: spec.env ?? defaultEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out = (out + chunk).slice(-KEEP);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err = (err + chunk).slice(-KEEP);
    });
    child.on("error", (e) =>
      reject(new GroveError("BENCH_COMMAND_FAILED", `cannot run ${spec.command}: ${e.message}`, { cause: e })),
    );
    child.on("close", (c, s) => resolve({ code: c, signal: s, stdout: out, stderr: err }));
  });
  const wallMs = performance.now() - started;
  const peakRssKb = useTime ? await readRss(rssFile) : undefined;
  // GNU time exits with the command's status (or 128+signal).
  const exitCode = code ?? 128;
  if (signal !== null || !(spec.okExitCodes ?? [0]).includes(exitCode)) {
    throw new GroveError(
      "BENCH_COMMAND_FAILED",
      `${describeCommand(spec)} failed (${signal ?? `exit status ${exitCode}`}):\n${tailOf(stderr || stdout)}`,
      { subject: spec.command },
    );
  }
  return { wallMs, peakRssKb, exitCode, stdout, stderr };
}

async function readRss(file: string): Promise<number | undefined> {
  try {
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    const value = Number(lines[lines.length - 1]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  } finally {
    await rm(file, { force: true });
  }
}

function tailOf(text: string, keep = 3000): string {
  return text.length <= keep ? text : `...${text.slice(-keep)}`;
}
