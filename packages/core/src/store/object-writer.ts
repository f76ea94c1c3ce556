import { createHash } from "node:crypto";
import fs, { existsSync } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "../errors.js";
import { renameCreatingParent } from "./atomic-write.js";
import { assertObjectPerm, assertSha256Hex, formatPerm } from "./ids.js";
import { tempName } from "./temp-names.js";

/** Content for an object: bytes in memory, or a (possibly async) stream of byte chunks. */
export type ObjectContent = Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Options of {@link writeObjectTo}. */
export interface WriteObjectOptions {
  /** Permission bits the object carries on disk (`mode & 0o777`). */
  perm: number;
  /**
   * The content's sha256 when the caller knows it (e.g. from a package header). When that object
   * already exists the content is only hashed, never written. Either way a mismatch throws `STORE_HASH_MISMATCH`.
   */
  expectedSha256?: string;
  /** What the content is (e.g. `bash.rpm:/usr/bin/bash`), for error messages. */
  subject?: string;
}

/** What {@link writeObjectTo} did. */
export interface WriteObjectResult {
  /** The content's sha256 (hex). */
  sha256: string;
  /** The object's permission bits. */
  perm: number;
  /** The object name `<sha256>.<pppp>`. */
  id: string;
  /** Content size in bytes. */
  size: number;
  /** True when a new object file was created; false when it already existed. */
  written: boolean;
}

/** Where and how objects are written. */
export interface ObjectWriteTarget {
  /** The grove directory. */
  dir: string;
  /** The store's `tmp/` directory. */
  tmpDir: string;
  /** fsync object files before they become visible. */
  fsync: boolean;
}

/** Content up to this size is collected in memory, hashed, and written only if the object is new. */
const IN_MEMORY_LIMIT = 1 << 20;

/** Path of object `<sha256>.<pppp>` under grove directory `dir`. */
export function objectFilePath(dir: string, sha256: string, perm: number): string {
  return path.join(dir, "objects", sha256.slice(0, 2), `${sha256}.${formatPerm(perm)}`);
}

/**
 * An object whose content has been consumed and hashed; its file may still be being written.
 * Await {@link StagedObject.settled} before anything (a commit) names it.
 */
export interface StagedObject extends WriteObjectResult {
  /** Resolves once the object file is in place (at once when it already existed); rejects on a write error. */
  settled: Promise<void>;
}

/** Object writes in flight, by object file path, so that one content staged twice is written once. */
const inFlight = new Map<string, Promise<void>>();

/**
 * Stores content as an object. Content is hashed as it streams; content up to 1 MiB is held in
 * memory and written only when the object is new; larger content streams into a temp file that
 * is discarded when the object turns out to exist. A new object is written to `tmp/`, given its
 * permission bits, and renamed into place, so it is visible only when complete. Renaming over an
 * identical object written concurrently by another process is harmless.
 * @param target - the store to write into
 * @param content - the bytes or a stream of chunks
 * @param options - permission bits, expected digest, subject for messages
 */
export async function writeObjectTo(
  target: ObjectWriteTarget,
  content: ObjectContent,
  options: WriteObjectOptions,
): Promise<WriteObjectResult> {
  const staged = await stageObject(target, content, options);
  await staged.settled;
  const { settled: _settled, ...result } = staged;
  return result;
}

/**
 * Like {@link writeObjectTo}, but returns as soon as the content is consumed and hashed: the write
 * of a new in-memory object goes on in the thread pool (see {@link StagedObject.settled}), so an
 * importer can parse and hash the next file meanwhile.
 */
export async function stageObject(
  target: ObjectWriteTarget,
  content: ObjectContent,
  options: WriteObjectOptions,
): Promise<StagedObject> {
  assertObjectPerm(options.perm);
  if (options.expectedSha256 !== undefined) assertSha256Hex(options.expectedSha256, "expected sha256");
  if (content instanceof Uint8Array) return stageBytes(target, content, undefined, options);

  const expected = options.expectedSha256;
  const skipWrite = expected !== undefined && existsSync(objectFilePath(target.dir, expected, options.perm));
  const hash = createHash("sha256");
  let size = 0;
  const chunks: Uint8Array[] = [];
  let handle: FileHandle | undefined;
  let tmp: string | undefined;
  try {
    for await (const chunk of content as AsyncIterable<Uint8Array>) {
      if (!(chunk instanceof Uint8Array)) throw badContent(options, "a content chunk is not a Uint8Array");
      hash.update(chunk);
      size += chunk.length;
      if (skipWrite) continue;
      if (handle !== undefined) {
        await handle.write(chunk);
      } else if (size <= IN_MEMORY_LIMIT) {
        chunks.push(Buffer.from(chunk));
      } else {
        tmp = path.join(target.tmpDir, tempName("obj"));
        handle = await open(tmp, "wx", 0o600);
        for (const held of chunks) await handle.write(held);
        chunks.length = 0;
        await handle.write(chunk);
      }
    }
    const sha256 = hash.digest("hex");
    checkExpected(sha256, options);
    if (skipWrite) return staged(sha256, options.perm, size, false);
    if (handle === undefined) return stageBytes(target, Buffer.concat(chunks), sha256, options);
    await handle.chmod(options.perm);
    if (target.fsync) await handle.sync();
    await handle.close();
    handle = undefined;
    const final = objectFilePath(target.dir, sha256, options.perm);
    if (existsSync(final)) {
      await unlink(tmp!);
      return staged(sha256, options.perm, size, false);
    }
    await renameCreatingParent(tmp!, final);
    tmp = undefined;
    return staged(sha256, options.perm, size, true);
  } finally {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
  }
}

/** Hashes in-memory content and, when the object is new, starts writing it (see {@link writeNewObject}). */
function stageBytes(
  target: ObjectWriteTarget,
  data: Uint8Array,
  knownSha256: string | undefined,
  options: WriteObjectOptions,
): StagedObject {
  const sha256 = knownSha256 ?? createHash("sha256").update(data).digest("hex");
  checkExpected(sha256, options);
  const final = objectFilePath(target.dir, sha256, options.perm);
  const pending = inFlight.get(final);
  if (pending !== undefined) return { ...result(sha256, options.perm, data.length, false), settled: pending };
  if (existsSync(final)) return staged(sha256, options.perm, data.length, false);
  const settled = writeNewObject(target, final, data, options.perm).finally(() => inFlight.delete(final));
  inFlight.set(final, settled);
  settled.catch(() => undefined); // observed by the caller through `settled`
  return { ...result(sha256, options.perm, data.length, true), settled };
}

/**
 * Writes `data` to a temp file, sets `perm`, and renames it to `final`: with callback-style fs
 * calls, so the work runs in libuv's thread pool while the caller goes on.
 */
function writeNewObject(target: ObjectWriteTarget, final: string, data: Uint8Array, perm: number): Promise<void> {
  const tmp = path.join(target.tmpDir, tempName("obj"));
  return new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => fs.unlink(tmp, () => reject(err));
    fs.open(tmp, "wx", 0o600, (err, fd) => {
      if (err) return reject(err);
      const finish = (error: NodeJS.ErrnoException | null) => {
        fs.close(fd, (closeErr) => {
          const first = error ?? closeErr;
          if (first) return fail(first);
          fs.rename(tmp, final, (renameErr) => {
            if (!renameErr) return resolve();
            if (renameErr.code !== "ENOENT") return fail(renameErr);
            fs.mkdir(path.dirname(final), { recursive: true }, (mkdirErr) => {
              if (mkdirErr) return fail(mkdirErr);
              fs.rename(tmp, final, (again) => (again ? fail(again) : resolve()));
            });
          });
        });
      };
      const writeFrom = (offset: number) => {
        if (offset >= data.length) {
          fs.fchmod(fd, perm, (chmodErr) => {
            if (chmodErr || !target.fsync) return finish(chmodErr);
            fs.fsync(fd, finish);
          });
          return;
        }
        fs.write(fd, data, offset, data.length - offset, null, (writeErr, n) =>
          writeErr ? finish(writeErr) : writeFrom(offset + n),
        );
      };
      writeFrom(0);
    });
  });
}

function checkExpected(sha256: string, options: WriteObjectOptions): void {
  if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
    const what = options.subject ?? "object content";
    throw new GroveError(
      "STORE_HASH_MISMATCH",
      `${what}: content hashes to ${sha256}, expected ${options.expectedSha256}`,
      {
        subject: options.subject,
        hint: "the source is corrupt or its declared digest is wrong",
      },
    );
  }
}

function badContent(options: WriteObjectOptions, what: string): GroveError {
  return new GroveError("STORE_BAD_CONTENT", `${options.subject ?? "object content"}: ${what}`, {
    subject: options.subject,
  });
}

function staged(sha256: string, perm: number, size: number, written: boolean): StagedObject {
  return { ...result(sha256, perm, size, written), settled: Promise.resolve() };
}

function result(sha256: string, perm: number, size: number, written: boolean): WriteObjectResult {
  return { sha256, perm, id: `${sha256}.${formatPerm(perm)}`, size, written };
}
