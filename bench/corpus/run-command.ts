/**
 * Running the external tools the corpus builder drives (apt-get, dpkg-deb, rpmbuild, createrepo_c).
 * @packageDocumentation
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { GroveError } from "@grove/core";

/** Options for {@link runCommand}. */
export interface RunOptions {
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables (merged over the current environment, with `LC_ALL=C`). */
  env?: Record<string, string>;
  /** Bytes of stdout kept in memory; more is an error (default 256 MiB). */
  maxStdout?: number;
}

/** What a finished command printed. */
export interface RunResult {
  /** Everything written to stdout, as UTF-8. */
  stdout: string;
  /** Everything written to stderr, as UTF-8 (only the last 64 KiB are kept). */
  stderr: string;
}

const STDERR_KEEP = 64 * 1024;

/** The environment every tool runs with: the caller's, plus the C locale so output can be parsed. */
function toolEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: "C", LANG: "C", LANGUAGE: "", ...extra };
}

/** The last `keep` characters of `text`, marked when cut. */
function tail(text: string, keep = 4000): string {
  return text.length <= keep ? text : `...${text.slice(text.length - keep)}`;
}

/**
 * Run `command args...` to completion and return what it printed.
 *
 * @throws GroveError `CORPUS_TOOL_MISSING` when the program is not installed, `CORPUS_COMMAND_FAILED` when it exits
 *   non-zero or is killed (the message carries the tail of its stderr), `CORPUS_OUTPUT_TOO_LARGE` when stdout
 *   exceeds {@link RunOptions.maxStdout}.
 */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const maxStdout = options.maxStdout ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: toolEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = "";
    let failed: GroveError | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > maxStdout) {
        failed ??= new GroveError(
          "CORPUS_OUTPUT_TOO_LARGE",
          `${command} ${args.join(" ")}: printed more than ${maxStdout} bytes`,
          { subject: command },
        );
        child.kill("SIGTERM");
        return;
      }
      out.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
      if (err.length > 2 * STDERR_KEEP) err = err.slice(err.length - STDERR_KEEP);
    });
    child.on("error", (cause: NodeJS.ErrnoException) => {
      failed ??=
        cause.code === "ENOENT"
          ? new GroveError("CORPUS_TOOL_MISSING", `${command}: not found on PATH`, {
              subject: command,
              hint: "install it with apt-get (rpm, createrepo-c, dnf, apt and dpkg are Debian packages)",
              cause,
            })
          : new GroveError("CORPUS_COMMAND_FAILED", `${command}: could not start (${cause.message})`, {
              subject: command,
              cause,
            });
    });
    child.on("close", (code, signal) => {
      if (failed !== undefined) return reject(failed);
      if (code !== 0) {
        const how = signal === null ? `exited with status ${code}` : `was killed by ${signal}`;
        return reject(
          new GroveError("CORPUS_COMMAND_FAILED", `${command} ${args.join(" ")} ${how}:\n${tail(err.trim())}`, {
            subject: command,
          }),
        );
      }
      resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: err });
    });
  });
}

/** A running command whose stdout is consumed as a stream. */
export interface StreamingCommand {
  /** The command's stdout. */
  stdout: Readable;
  /**
   * Resolves when the command exited 0; rejects like {@link runCommand} otherwise. It only settles once stdout is
   * fully read: a reader that stops early must call {@link StreamingCommand.finish} instead.
   */
  done: Promise<void>;
  /** Discard whatever stdout still holds (e.g. the zero padding after a tar archive) and wait for {@link done}. */
  finish(): Promise<void>;
  /** Stop the command (used when the reader gives up early). */
  kill(): void;
}

/**
 * Start `command args...` and hand back its stdout as a stream (for outputs too large to hold, such as a package's
 * uncompressed file-system tarball).
 */
export function streamCommand(command: string, args: readonly string[], options: RunOptions = {}): StreamingCommand {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(command, args, {
    cwd: options.cwd,
    env: toolEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
    if (err.length > 2 * STDERR_KEEP) err = err.slice(err.length - STDERR_KEEP);
  });
  const done = new Promise<void>((resolve, reject) => {
    let startError: GroveError | undefined;
    child.on("error", (cause: NodeJS.ErrnoException) => {
      startError = new GroveError(
        cause.code === "ENOENT" ? "CORPUS_TOOL_MISSING" : "CORPUS_COMMAND_FAILED",
        `${command}: could not start (${cause.message})`,
        { subject: command, cause },
      );
    });
    child.on("close", (code, signal) => {
      if (startError !== undefined) return reject(startError);
      if (code === 0) return resolve();
      const how = signal === null ? `exited with status ${code}` : `was killed by ${signal}`;
      reject(
        new GroveError("CORPUS_COMMAND_FAILED", `${command} ${args.join(" ")} ${how}:\n${tail(err.trim())}`, {
          subject: command,
        }),
      );
    });
  });
  const finish = (): Promise<void> => {
    child.stdout.resume();
    return done;
  };
  return { stdout: child.stdout, done, finish, kill: () => child.kill("SIGTERM") };
}
