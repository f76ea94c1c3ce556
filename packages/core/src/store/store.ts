import { createHash } from "node:crypto";
import { accessSync, mkdirSync, readFileSync } from "node:fs";
import { link, mkdir, readdir, readFile, rmdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "../errors.js";
import { acquireLockFile } from "../lock/lock-file.js";
import { type ReleaseLock, StoreLock } from "../lock/store-lock.js";
import { fsyncDir, writeFileAtomic } from "./atomic-write.js";
import type { Commit } from "./commit.js";
import { decodeCommit, encodeCommit } from "./commit-codec.js";
import { canonicalCommitBytes, storedCommitBytes } from "./commit-file.js";
import { assertObjectPerm, assertSha256Hex, parseObjectId } from "./ids.js";
import {
  commitRelPath,
  refRelPath,
  STORE_DIRS,
  STORE_FORMAT,
  STORE_JSON_TEXT,
  STORE_VERSION,
  sourceIndexRelPath,
} from "./layout.js";
import {
  type ObjectContent,
  objectFilePath,
  type WriteObjectOptions,
  type WriteObjectResult,
  writeObjectTo,
} from "./object-writer.js";
import { assertRefName, assertRefPrefix } from "./ref-name.js";

/** Options of {@link openStore} and {@link initStore}. */
export interface OpenStoreOptions {
  /** How long to wait for a lock before failing with `STORE_LOCK_TIMEOUT` (default 10 minutes). */
  lockTimeoutMs?: number;
  /**
   * fsync files (and directories after renames) so that writes survive a power loss, not only a
   * killed process (default false: a killed process never damages the store either way).
   */
  fsync?: boolean;
}

/** One ref and the commit it names. */
export interface RefEntry {
  /** Ref name, e.g. `rpm/bash/0:5.2.15-3.x86_64`. */
  name: string;
  /** The commit id it points at. */
  commitId: string;
}

/** Options of {@link Store.setRef} and {@link Store.deleteRef}. */
export interface RefUpdateOptions {
  /**
   * Compare-and-swap: the commit id the ref must point at now (`null`: the ref must not exist).
   * Otherwise the update fails with `STORE_REF_CHANGED`.
   */
  expected?: string | null;
}

const COMMIT_ID_LINE = /^([0-9a-f]{64})\n$/;
const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * An open grove store: content-addressed objects, commits, refs and the source index in one
 * directory. Get one with {@link openStore} or {@link initStore}. All writes are crash-safe (temp
 * file, then rename) and take the store's shared lock, so `gc` never runs at the same time.
 */
export class Store {
  /** The grove directory (absolute). */
  readonly dir: string;
  /** The store's temp directory (`<dir>/tmp`). */
  readonly tmpDir: string;
  /** The store's lock directory (`<dir>/locks`). */
  readonly locksDir: string;
  /** Whether writes are fsynced. */
  readonly fsync: boolean;
  /** How long lock waits may take. */
  readonly lockTimeoutMs: number;
  /** The store-wide reader/writer lock (see {@link Store.withLock}). */
  readonly lock: StoreLock;

  /** Use {@link openStore}; this constructor does not check the directory. */
  constructor(dir: string, options: OpenStoreOptions = {}) {
    this.dir = path.resolve(dir);
    this.tmpDir = path.join(this.dir, "tmp");
    this.locksDir = path.join(this.dir, "locks");
    this.fsync = options.fsync ?? false;
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    this.lock = new StoreLock(this.locksDir, this.lockTimeoutMs);
  }

  /**
   * Runs `fn` holding the store's shared lock (re-entrant), so no `gc` runs meanwhile. Wrap
   * multi-step writes in it (objects, then a commit, then a ref): otherwise a gc between the
   * steps may remove what was written first.
   */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.lock.acquireShared();
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Runs `fn` holding the store's exclusive lock (what `gc` uses): no other process uses the store meanwhile. */
  async withExclusiveLock<T>(fn: () => Promise<T>): Promise<T> {
    const release: ReleaseLock = await this.lock.acquireExclusive();
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Absolute path of object `<sha256>.<pppp>` (whether or not it exists). */
  objectPath(sha256: string, perm: number): string {
    assertSha256Hex(sha256, "object sha256");
    assertObjectPerm(perm);
    return objectFilePath(this.dir, sha256, perm);
  }

  /** True when the object `<sha256>.<pppp>` exists. */
  async hasObject(sha256: string, perm: number): Promise<boolean> {
    return exists(this.objectPath(sha256, perm));
  }

  /** True when the object named `<sha256>.<pppp>` exists; false for a malformed name. */
  async hasObjectId(id: string): Promise<boolean> {
    const parsed = parseObjectId(id);
    return parsed !== undefined && exists(objectFilePath(this.dir, parsed.sha256, parsed.perm));
  }

  /**
   * Stores content as the object `<sha256>.<perm>`; a no-op (apart from hashing) when it exists.
   * See {@link writeObjectTo}.
   */
  async writeObject(content: ObjectContent, options: WriteObjectOptions): Promise<WriteObjectResult> {
    return this.withLock(() => writeObjectTo(this, content, options));
  }

  /** Absolute path of commit `id`'s file. */
  commitPath(id: string): string {
    assertSha256Hex(id, "commit id");
    return path.join(this.dir, commitRelPath(id));
  }

  /** True when commit `id` exists. */
  async hasCommit(id: string): Promise<boolean> {
    return exists(this.commitPath(id));
  }

  /**
   * Reads and checks commit `id`. Throws `STORE_COMMIT_NOT_FOUND` when it does not exist and
   * `STORE_CORRUPT_COMMIT` when its content does not hash to its id or is not a valid commit.
   */
  async readCommit(id: string): Promise<Commit> {
    const file = this.commitPath(id);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        throw new GroveError("STORE_COMMIT_NOT_FOUND", `commit ${id} does not exist in the store ${this.dir}`, {
          subject: id,
        });
      }
      throw err;
    }
    const subject = path.relative(this.dir, file);
    return decodeCommit(canonicalCommitBytes(bytes, subject), id, subject);
  }

  /**
   * Reads only the `metadata` of commit `id`, fast: the canonical encoding puts the entries first
   * and the metadata after them, so the metadata is cut out of the file and parsed alone. Unlike
   * {@link Store.readCommit} this does not re-hash the file (fsck does); use it for lookups such as
   * "which package is this commit" on hot paths. Throws `STORE_COMMIT_NOT_FOUND` or `STORE_CORRUPT_COMMIT`.
   */
  async readCommitMetadata(id: string): Promise<Commit["metadata"]> {
    const file = this.commitPath(id);
    let text: string;
    try {
      // Synchronous: for one small file it costs a tenth of a promise round trip.
      text = canonicalCommitBytes(readFileSync(file), path.relative(this.dir, file)).toString("utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        throw new GroveError("STORE_COMMIT_NOT_FOUND", `commit ${id} does not exist in the store ${this.dir}`, {
          subject: id,
        });
      }
      throw err;
    }
    const metadata = sliceMetadata(text);
    if (metadata !== undefined) {
      try {
        const parsed: unknown = JSON.parse(metadata);
        if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
          return parsed as Commit["metadata"];
      } catch {
        // fall through to the checked read, which names the problem
      }
    }
    return (await this.readCommit(id)).metadata;
  }

  /**
   * Validates and stores a commit; returns its id (the sha256 of its canonical JSON). Every
   * object and referenced commit must already exist (`STORE_MISSING_OBJECT`,
   * `STORE_COMMIT_NOT_FOUND`): a commit is written only after everything it names.
   * Writing an existing commit again is a no-op.
   */
  async writeCommit(commit: Commit): Promise<string> {
    return this.withLock(async () => {
      const encoded = encodeCommit(commit);
      await this.checkCommitTargets(encoded.commit);
      return this.writeEncodedCommit(encoded.id, encoded.bytes);
    });
  }

  /** @internal Writes an already encoded and checked commit (caller holds the lock). */
  async writeEncodedCommit(id: string, bytes: Uint8Array): Promise<string> {
    const file = this.commitPath(id);
    if (!(await exists(file))) {
      await writeFileAtomic(this.tmpDir, file, storedCommitBytes(bytes), { fsync: this.fsync });
    }
    return id;
  }

  private async checkCommitTargets(commit: Commit): Promise<void> {
    const wanted = new Set<string>();
    for (const entry of commit.entries) {
      if (entry.object !== undefined) wanted.add(objectFilePath(this.dir, entry.object, entry.mode & 0o777));
    }
    for (const id of commit.objects ?? []) {
      const parsed = parseObjectId(id)!;
      wanted.add(objectFilePath(this.dir, parsed.sha256, parsed.perm));
    }
    for (const file of wanted) {
      if (!(await exists(file))) {
        throw new GroveError(
          "STORE_MISSING_OBJECT",
          `cannot write the commit: object ${path.basename(file)} is not in the store ${this.dir}`,
          { subject: path.basename(file), hint: "write every object before the commit that names it" },
        );
      }
    }
    for (const ref of commit.references ?? []) {
      if (!(await this.hasCommit(ref))) {
        throw new GroveError(
          "STORE_COMMIT_NOT_FOUND",
          `cannot write the commit: it references ${ref}, which does not exist`,
          {
            subject: ref,
          },
        );
      }
    }
  }

  /** The commit id ref `name` points at; `undefined` when there is no such ref. */
  async getRef(name: string): Promise<string | undefined> {
    assertRefName(name);
    return this.readIdFile(path.join(this.dir, refRelPath(name)), `ref ${name}`, "STORE_CORRUPT_REF");
  }

  /**
   * Points ref `name` at commit `commitId` (which must exist), atomically and under the ref's
   * lock. With `expected`, fails with `STORE_REF_CHANGED` unless the ref currently has that value.
   * A ref cannot be both a name and a prefix of another (`a/b` and `a/b/c`): `STORE_REF_CONFLICT`.
   */
  async setRef(name: string, commitId: string, options: RefUpdateOptions = {}): Promise<void> {
    assertRefName(name);
    assertSha256Hex(commitId, "commit id");
    await this.withLock(async () => {
      if (!(await this.hasCommit(commitId))) {
        throw new GroveError("STORE_COMMIT_NOT_FOUND", `cannot set ref ${name}: commit ${commitId} does not exist`, {
          subject: commitId,
        });
      }
      await this.withRefLock(name, async () => {
        await this.checkExpected(name, options);
        const file = path.join(this.dir, refRelPath(name));
        try {
          await writeFileAtomic(this.tmpDir, file, `${commitId}\n`, { fsync: this.fsync });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === "EISDIR" || code === "ENOTDIR" || code === "EEXIST" || code === "ENOTEMPTY") {
            throw new GroveError(
              "STORE_REF_CONFLICT",
              `cannot set ref ${name}: it clashes with an existing ref that is a prefix of it or has it as a prefix`,
              { subject: name, cause: err },
            );
          }
          throw err;
        }
      });
    });
  }

  /** Removes ref `name`; returns false when it did not exist. `expected` works as in {@link Store.setRef}. */
  async deleteRef(name: string, options: RefUpdateOptions = {}): Promise<boolean> {
    assertRefName(name);
    return this.withLock(() =>
      this.withRefLock(name, async () => {
        await this.checkExpected(name, options);
        const file = path.join(this.dir, refRelPath(name));
        try {
          await unlink(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
          throw err;
        }
        if (this.fsync) await fsyncDir(path.dirname(file));
        await this.pruneEmptyRefDirs(path.dirname(file));
        return true;
      }),
    );
  }

  /**
   * All refs whose name starts with `prefix` (a plain string prefix: `rpm/` or `rpm/ba`), sorted by name.
   */
  async listRefs(prefix = ""): Promise<RefEntry[]> {
    assertRefPrefix(prefix);
    const refsDir = path.join(this.dir, "refs");
    const slash = prefix.lastIndexOf("/");
    const base = slash < 0 ? "" : prefix.slice(0, slash);
    const out: RefEntry[] = [];
    const walk = async (relDir: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(path.join(refsDir, relDir));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return;
        throw err;
      }
      for (const entryName of names) {
        const rel = relDir === "" ? entryName : `${relDir}/${entryName}`;
        if (!rel.startsWith(prefix) && !prefix.startsWith(`${rel}/`)) continue;
        const full = path.join(refsDir, rel);
        const info = await stat(full).catch(() => undefined);
        if (info === undefined) continue;
        if (info.isDirectory()) await walk(rel);
        else if (rel.startsWith(prefix)) {
          const id = await this.readIdFile(full, `ref ${rel}`, "STORE_CORRUPT_REF");
          if (id !== undefined) out.push({ name: rel, commitId: id });
        }
      }
    };
    await walk(base);
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The commit a source artifact (by its sha256, e.g. an .rpm file) was imported as; `undefined` if none. */
  async lookupSource(sha256: string): Promise<string | undefined> {
    assertSha256Hex(sha256, "source sha256");
    return this.readIdFile(
      path.join(this.dir, sourceIndexRelPath(sha256)),
      `source index ${sha256}`,
      "STORE_CORRUPT_INDEX",
    );
  }

  /** Records that the source artifact with this sha256 was imported as commit `commitId` (which must exist). */
  async recordSource(sha256: string, commitId: string): Promise<void> {
    assertSha256Hex(sha256, "source sha256");
    assertSha256Hex(commitId, "commit id");
    await this.withLock(async () => {
      if (!(await this.hasCommit(commitId))) {
        throw new GroveError(
          "STORE_COMMIT_NOT_FOUND",
          `cannot index source ${sha256}: commit ${commitId} does not exist`,
          {
            subject: commitId,
          },
        );
      }
      const file = path.join(this.dir, sourceIndexRelPath(sha256));
      await writeFileAtomic(this.tmpDir, file, `${commitId}\n`, { fsync: this.fsync });
    });
  }

  /** Reads a `<commit id>\n` file; `undefined` when missing. Synchronous: 65 bytes cost less than a promise round trip. */
  private async readIdFile(file: string, what: string, code: string): Promise<string | undefined> {
    let text: string;
    try {
      text = readFileSync(file, "latin1");
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).code;
      if (errno === "ENOENT" || errno === "EISDIR" || errno === "ENOTDIR") return undefined;
      throw err;
    }
    const m = COMMIT_ID_LINE.exec(text);
    if (!m) {
      throw new GroveError(code, `${what} (${path.relative(this.dir, file)}) does not hold "<commit id>\\n"`, {
        subject: path.relative(this.dir, file),
        hint: "run `grove fsck`",
      });
    }
    return m[1]!;
  }

  private async withRefLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const hashed = createHash("sha256").update(name).digest("hex").slice(0, 32);
    const held = await acquireLockFile(
      path.join(this.locksDir, `ref-${hashed}.lock`),
      this.lockTimeoutMs,
      `ref ${name}`,
    );
    try {
      return await fn();
    } finally {
      await held.release();
    }
  }

  private async checkExpected(name: string, options: RefUpdateOptions): Promise<void> {
    if (options.expected === undefined) return;
    const current = await this.getRef(name);
    if ((current ?? null) !== options.expected) {
      throw new GroveError(
        "STORE_REF_CHANGED",
        `ref ${name} points at ${current ?? "nothing"}, expected ${options.expected ?? "nothing"}`,
        { subject: name, hint: "another process updated the ref; re-read it and retry" },
      );
    }
  }

  private async pruneEmptyRefDirs(dir: string): Promise<void> {
    const refsDir = path.join(this.dir, "refs");
    let current = dir;
    while (current.startsWith(`${refsDir}${path.sep}`)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
      current = path.dirname(current);
    }
  }
}

/**
 * Creates (or completes) a store in `dir` and opens it. Idempotent: an existing store of this
 * version is simply opened. `store.json` is written last, so a half-created store is re-created.
 */
export async function initStore(dir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const root = path.resolve(dir);
  const storeJson = path.join(root, "store.json");
  if (await exists(storeJson)) return openStore(root, options);
  for (const sub of STORE_DIRS) await mkdir(path.join(root, sub), { recursive: true });
  const tmp = path.join(root, "tmp", `store.json.${process.pid}`);
  await writeFile(tmp, STORE_JSON_TEXT);
  try {
    await link(tmp, storeJson);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return openStore(root, options);
}

/**
 * Opens the store in `dir`. Throws `STORE_NOT_FOUND` when there is no `store.json`,
 * `STORE_BAD_FORMAT` when it is not a grove store, `STORE_UNSUPPORTED_VERSION` for another
 * version. Re-creates missing core directories (e.g. a deleted `tmp/`).
 */
export async function openStore(dir: string, options: OpenStoreOptions = {}): Promise<Store> {
  const root = path.resolve(dir);
  const file = path.join(root, "store.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") {
      throw new GroveError("STORE_NOT_FOUND", `${root} is not a grove store: ${file} does not exist`, {
        subject: root,
        hint: "create one with initStore() (or `grove init`)",
      });
    }
    throw err;
  }
  let parsed: { format?: unknown; version?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (cause) {
    throw new GroveError("STORE_BAD_FORMAT", `${file} is not JSON`, { subject: file, cause });
  }
  if (parsed === null || typeof parsed !== "object" || parsed.format !== STORE_FORMAT) {
    throw new GroveError(
      "STORE_BAD_FORMAT",
      `${file} does not describe a grove store (format is not "${STORE_FORMAT}")`,
      {
        subject: file,
      },
    );
  }
  if (parsed.version !== STORE_VERSION) {
    throw new GroveError(
      "STORE_UNSUPPORTED_VERSION",
      `${root} is a grove store of version ${JSON.stringify(parsed.version)}; this grove reads version ${STORE_VERSION}`,
      { subject: root, hint: "use the grove release that created the store" },
    );
  }
  // Synchronous: six mkdir(2) calls on existing directories cost microseconds; six trips through the thread pool
  // (which the first one starts) cost a warm `grove assemble` 2-3 ms.
  for (const sub of STORE_DIRS) mkdirSync(path.join(root, sub), { recursive: true });
  return new Store(root, options);
}

/**
 * Cuts the top-level metadata object out of a canonical commit text
 * `{"entries":[...],"metadata":{...}[,"objects":[...]][,"references":[...]],"version":1}`.
 * `,"metadata":{` cannot occur earlier: entries hold no such key, and a quote inside a string is escaped.
 * What follows the metadata holds only ids, so it is stripped from the end.
 */
function sliceMetadata(text: string): string | undefined {
  const key = ',"metadata":';
  const start = text.indexOf(`${key}{`);
  const suffix = ',"version":1}';
  if (!text.startsWith('{"entries":[') || start < 0 || !text.endsWith(suffix)) return undefined;
  let end = text.length - suffix.length;
  for (const tail of [',"references":[', ',"objects":[']) {
    if (text[end - 1] !== "]") break;
    const at = text.lastIndexOf(tail, end);
    if (at > start && /^[0-9a-f.,"]*$/.test(text.slice(at + tail.length, end - 1))) end = at;
  }
  return text.slice(start + key.length, end);
}

/**
 * Whether `file` exists. Synchronous inside: one `access(2)` of a cached path costs microseconds, a round trip
 * through the thread pool a hundred times more (planning a root asks for 100+ commits).
 */
async function exists(file: string): Promise<boolean> {
  try {
    accessSync(file);
    return true;
  } catch {
    return false;
  }
}
