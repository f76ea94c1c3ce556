import { homedir } from "node:os";

/**
 * Everything a command may touch outside its arguments: where to print and the environment.
 *
 * Commands never write to `process.stdout` directly, so tests and embedders can run the CLI in-process
 * with their own sinks.
 */
export interface CliContext {
  /** Writes text to standard output (the caller adds newlines). */
  stdout: (text: string) => void;
  /** Writes text to standard error (the caller adds newlines). */
  stderr: (text: string) => void;
  /** Environment variables (`GROVE_STORE`, `XDG_DATA_HOME`, `GROVE_DEBUG`, ...). */
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home directory, for defaults under `~`. */
  homeDir: string;
  /** True when standard error is a terminal: progress bars are drawn there only then (default false). */
  stderrIsTTY?: boolean;
}

/** The {@link CliContext} of the running process: real stdout/stderr, `process.env` and the real home directory. */
export function processContext(): CliContext {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    homeDir: homedir(),
    stderrIsTTY: process.stderr.isTTY === true,
  };
}
