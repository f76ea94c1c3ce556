import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

/** Bytes of the decoder's stderr kept for the error message. */
const MAX_STDERR = 4096;

/** Thrown when the `xz` program cannot be started; mapped to `RPM_PAYLOAD_DECOMPRESSOR_UNAVAILABLE`. */
export class XzUnavailableError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = "XzUnavailableError";
  }
}

/** Thrown when `xz` rejected the stream; its message is xz's own (`Unexpected end of input`, ...). */
export class XzProcessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XzProcessError";
  }
}

let found: string | null | undefined;

/**
 * The `xz` program grove decodes xz/lzma payloads with, or `undefined` when there is none. `GROVE_XZ` names
 * it explicitly (`GROVE_XZ=` or `GROVE_XZ=0` turns the program off, and liblzma through lzma-native decodes
 * in-process instead); otherwise the first executable `xz` on `PATH`. Looked up once per process.
 */
export function xzProgram(): string | undefined {
  if (found === undefined) found = lookUpXz() ?? null;
  return found ?? undefined;
}

function lookUpXz(): string | undefined {
  const configured = process.env.GROVE_XZ;
  if (configured !== undefined) {
    if (configured === "" || configured === "0") return undefined;
    return isExecutable(configured) ? configured : undefined;
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const candidate = path.join(dir, "xz");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decompresses an `.xz` (format `"xz"`) or LZMA-alone (`"lzma"`) stream by piping it through the system's
 * `xz -dc` process: a separate process decodes on another core while this thread parses and hashes, and a
 * distribution's liblzma (5.4) decodes about twice as fast as the 5.2 lzma-native bundles. xz checks the
 * stream's integrity check; its memory use is capped at `memoryLimit`. The input is written with
 * backpressure and the output read as it comes. Errors of the input are rethrown as they are (the process is
 * killed); xz's own failures become an {@link XzProcessError} carrying its message; stopping early kills it.
 * @param input - the compressed stream
 * @param format - `"xz"` or `"lzma"`
 * @param program - the `xz` executable ({@link xzProgram})
 * @param memoryLimit - decoder memory limit in bytes
 */
export async function* unxzWithProcess(
  input: AsyncIterable<Uint8Array>,
  format: "xz" | "lzma",
  program: string,
  memoryLimit: number,
): AsyncGenerator<Uint8Array> {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: "C" };
  delete env.XZ_DEFAULTS;
  delete env.XZ_OPT;
  const child = spawn(
    program,
    ["--decompress", "--stdout", `--format=${format}`, `--memlimit-decompress=${memoryLimit}`, "--threads=1"],
    { stdio: ["pipe", "pipe", "pipe"], env },
  );
  let spawnError: Error | undefined;
  let inputError: unknown;
  let inputFailed = false;
  let stderr = "";
  const closed = new Promise<number | null>((resolve) => {
    child.once("close", (code) => resolve(code));
  });
  child.once("error", (err) => {
    spawnError ??= err;
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    if (stderr.length < MAX_STDERR) stderr += text;
  });
  // xz exiting early (on corrupt input) breaks the pipe: the exit status tells what happened.
  child.stdin.on("error", () => undefined);
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        if (child.stdin.destroyed) break;
        // A pipe write of a view of a SharedArrayBuffer keeps that memory alive long after it was written
        // (measured: ~20 MB for the apache2 corpus streamed in 256 KiB shared chunks); a copy is freed.
        const owned = chunk.buffer instanceof SharedArrayBuffer ? Buffer.from(chunk) : chunk;
        if (!child.stdin.write(owned)) {
          await new Promise<void>((resolve) => {
            const done = (): void => {
              child.stdin.off("drain", done);
              child.stdin.off("close", done);
              resolve();
            };
            child.stdin.on("drain", done);
            child.stdin.on("close", done);
          });
        }
      }
      child.stdin.end();
    } catch (err) {
      inputFailed = true;
      inputError = err;
      child.kill("SIGKILL");
    }
  })();
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Uint8Array;
    const code = await closed;
    await feeding;
    if (inputFailed) throw inputError;
    if (spawnError !== undefined)
      throw new XzUnavailableError(`cannot run ${program}: ${spawnError.message}`, spawnError);
    // 2 is a warning only (e.g. an integrity check type this xz cannot verify, as liblzma would accept too).
    if (code !== 0 && code !== 2) {
      const message = stderr.trim().replace(/^[^:]*xz: \(stdin\): /gm, "");
      throw new XzProcessError(message === "" ? `xz exited with status ${code}` : message);
    }
    finished = true;
  } finally {
    if (!finished) {
      child.kill("SIGKILL");
      child.stdin.destroy();
      child.stdout.destroy();
      await feeding;
    }
  }
}
