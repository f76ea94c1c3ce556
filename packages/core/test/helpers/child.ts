import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The child-process script the concurrency and crash tests run (it uses the built @grove/core). */
export const CHILD_SCRIPT = fileURLToPath(new URL("./import-child.mjs", import.meta.url));

/** Output of a finished child. */
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node import-child.mjs ...args`. */
export function startChild(args: string[]): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, [CHILD_SCRIPT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<ChildResult>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}
