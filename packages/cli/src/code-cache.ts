/**
 * Running the bundled CLI (`dist/grove-bundle.cjs`, one CommonJS script) with a V8 code cache: the bytecode V8
 * compiled for it in an earlier run of the same command, kept under the user's cache directory. With the cache
 * V8 neither parses the script nor compiles the functions that run, which for a warm `grove assemble` is 20 ms of
 * its main thread (docs/packages/cli.md, "How the CLI is built: one script and its code cache"). Node 20 has no
 * code cache for ES modules (`module.enableCompileCache` came in Node 22), hence one CommonJS script.
 *
 * The cache is only a cache: missing, unreadable, rejected by V8 (another Node or V8 flags) or unwritable, the
 * script is compiled from source as usual, and a successful run writes a fresh one. It is code, so only a file
 * this user owns and nobody else can write is used.
 * @packageDocumentation
 */
import { isAscii } from "node:buffer";
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Script } from "node:vm";

/** The parameters the wrapped script receives, in order (CommonJS's five and the worker resolver). */
const WRAPPER_PARAMETERS = "exports, require, module, __filename, __dirname, __groveResolve";
/** What comes before the script's own text in the compiled source (V8's coverage offsets count it). */
export const WRAPPER_PREFIX = `(function (${WRAPPER_PARAMETERS}) {`;
/** The last line of a bundle: its content hash, written by `scripts/bundle.mjs`. */
const BUNDLE_ID = /\/\/ grove-bundle-sha256: ([0-9a-f]{64})\s*$/;
/** Cache files of other bundles older than this are removed when a new one is written. */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** Whether V8 used the code cache: `accepted`, `rejected` (made by another V8 or flags), `absent` or `off`. */
export type CodeCacheState = "accepted" | "rejected" | "absent" | "off";

/** Where a script's code cache lives, and under which name. */
export interface CodeCacheOptions {
  /** The cache directory, or `undefined` for no cache. */
  dir: string | undefined;
  /** What the cache is for (the command), part of the file name: each command caches what it compiled. */
  label: string;
  /** Module specifiers the script resolves (`__groveResolve`) to these URLs instead of through Node. */
  resolve?: Readonly<Record<string, string>>;
}

/** A script {@link runCachedScript} ran. */
export interface CachedScript<T> {
  /** What the script put in `module.exports`. */
  exports: T;
  /** Whether V8 used the code cache. */
  cache: CodeCacheState;
  /** The cache file (exists only once a run wrote it), or `undefined` without a cache directory. */
  cacheFile: string | undefined;
  /**
   * Writes the code cache of everything compiled so far, unless V8 accepted the one it had; never throws. Call
   * it at the end of a successful run, so the cache holds the functions the command ran.
   */
  saveCache(): void;
}

/**
 * The code cache directory: `$GROVE_CODE_CACHE` (`off` or `0` for none), else `grove/v8` under
 * `$XDG_CACHE_HOME` or `~/.cache`; `undefined` when there is none.
 * @param env - the environment
 */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  const setting = env.GROVE_CODE_CACHE;
  if (setting === "off" || setting === "0") return undefined;
  if (setting) return path.resolve(setting);
  const base = env.XDG_CACHE_HOME || (env.HOME ? path.join(env.HOME, ".cache") : undefined);
  return base === undefined ? undefined : path.join(path.resolve(base), "grove", "v8");
}

/**
 * The resolver the bundle calls where its sources say `import.meta.resolve(specifier)` (for the packages'
 * worker modules, which are not bundled): resolution from the bundle's own directory, as a `file:` URL.
 * @param file - the bundle
 * @param overrides - specifiers resolved to these URLs instead
 */
export function bundleResolver(
  file: string,
  overrides: Readonly<Record<string, string>> = {},
): (specifier: string) => string {
  const require = createRequire(file);
  return (specifier) => overrides[specifier] ?? pathToFileURL(require.resolve(specifier)).href;
}

/**
 * Compiles and runs a CommonJS script (with the code cache in `options.dir` when there is one) and returns its
 * exports.
 * @param file - the script
 * @param options - where its code cache lives
 */
export function runCachedScript<T>(file: string, options: CodeCacheOptions): CachedScript<T> {
  const fd = openSync(file, "r");
  let code: string;
  let stat: { size: number; mtimeMs: number };
  try {
    stat = fstatSync(fd);
    // The build writes it in ASCII: read as Latin-1, the same string, 1.5 ms sooner than decoding UTF-8.
    const bytes = readFileSync(fd);
    code = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  } finally {
    closeSync(fd);
  }
  // The cache file's name says which bundle (content hash, size and time, so that an edited file is another
  // bundle), which V8 and which command: V8 itself checks only its version, its flags and the source's length.
  const bundleId = BUNDLE_ID.exec(code.slice(-200))?.[1]?.slice(0, 16);
  const key = bundleId === undefined ? undefined : `${bundleId}-${stat.size}-${Math.trunc(stat.mtimeMs)}`;
  const cacheFile =
    options.dir === undefined || key === undefined
      ? undefined
      : path.join(options.dir, `${key}-v8-${process.versions.v8}-${process.arch}-${safeLabel(options.label)}.bin`);
  const cachedData = cacheFile === undefined ? undefined : readOwnCache(cacheFile);
  const script = new Script(`${WRAPPER_PREFIX}${code}\n})`, { filename: file, cachedData });
  const cache: CodeCacheState =
    cacheFile === undefined
      ? "off"
      : cachedData === undefined
        ? "absent"
        : script.cachedDataRejected
          ? "rejected"
          : "accepted";
  const module = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file), bundleResolver(file, options.resolve));
  return {
    exports: module.exports,
    cache,
    cacheFile,
    saveCache() {
      if (cacheFile === undefined || cache === "accepted" || !writableDir(path.dirname(cacheFile))) return;
      writeCodeCache(cacheFile, script.createCachedData(), key as string);
    },
  };
}

/**
 * The cache file's bytes, when it is this user's and nobody else can write it (it is code this process will
 * run); `undefined` otherwise, or when it cannot be read.
 */
function readOwnCache(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid?.() || (stat.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates the cache directory (mode 0700) if needed and tells whether this process may write in it; checked
 * before making the cache (4 ms), so that a user who cannot write there does not pay for it on every run.
 */
function writableDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** A label as a file name part: letters, digits and `-` only. */
function safeLabel(label: string): string {
  return label.replace(/[^A-Za-z0-9-]/g, "_").slice(0, 40) || "none";
}

/** Writes `data` to `file` atomically (a temporary file renamed), and prunes stale caches; ignores failures. */
function writeCodeCache(file: string, data: Buffer, keepPrefix: string): void {
  const dir = path.dirname(file);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The directory is not there to hold it either.
    }
    return;
  }
  try {
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      if (name.startsWith(keepPrefix)) continue;
      const other = path.join(dir, name);
      if (now - statSync(other).mtimeMs > STALE_MS) rmSync(other, { force: true });
    }
  } catch {
    // Pruning is best effort: another grove may be pruning the same directory.
  }
}
