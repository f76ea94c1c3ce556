import { createHash, type Hash } from "node:crypto";
import { existsSync } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "../errors.js";
import { renameCreatingParent } from "./atomic-write.js";
import { creationMask } from "./creation-mask.js";
import { assertObjectPerm, assertSha256Hex, formatPerm } from "./ids.js";
import { writeObjectFileSync } from "./object-file-write.js";
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
  /**
   * The content's sha256, vouched for by the content stream itself: the stream throws before it ends when
   * its bytes do not hash to this value (as `@grove/rpm`'s payload reader does for files whose header digest
   * is a SHA-256, when it verifies). The writer then trusts it instead of hashing the content a second time:
   * it names the object by it, and when that object already exists it only drains the stream (which still
   * verifies) without writing anything. Give it only for such a self-checking stream; a wrong value would
   * store content under a name that is not its hash (which `fsck` reports). In-memory content cannot check
   * itself: with a `Uint8Array` it is treated like `expectedSha256`. When both are given they must agree.
   */
  verifiedSha256?: string;
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
 * Stores content as an object. Content is hashed as it streams (unless the stream vouches for its
 * digest itself: `verifiedSha256`); content up to 1 MiB is held in memory and written only when the
 * object is new; larger content streams into a temp file that is discarded when the object turns out
 * to exist. With a known digest (`expectedSha256` or `verifiedSha256`) an existing object is looked up
 * first, and the content is then only drained. A new object is written to `tmp/` with its permission
 * bits (created with them when the store's umask keeps them all, see `creationMask`; `fchmod`ed
 * otherwise) and renamed into place, so it is visible only when complete. Renaming over an identical
 * object written concurrently by another process is harmless.
 * @param target - the store to write into
 * @param content - the bytes or a stream of chunks
 * @param options - permission bits, expected or verified digest, subject for messages
 */
export async function writeObjectTo(
  target: ObjectWriteTarget,
  content: ObjectContent,
  options: WriteObjectOptions,
): Promise<WriteObjectResult> {
  assertObjectPerm(options.perm);
  if (options.expectedSha256 !== undefined) assertSha256Hex(options.expectedSha256, "expected sha256");
  if (options.verifiedSha256 !== undefined) {
    assertSha256Hex(options.verifiedSha256, "verified sha256");
    if (options.expectedSha256 !== undefined) checkExpected(options.verifiedSha256, options);
  }
  if (content instanceof Uint8Array) {
    const expectedSha256 = options.expectedSha256 ?? options.verifiedSha256;
    return writeBytes(target, content, undefined, { ...options, expectedSha256 }, true);
  }

  const trusted = options.verifiedSha256;
  const known = trusted ?? options.expectedSha256;
  const skipWrite = known !== undefined && existsSync(objectFilePath(target.dir, known, options.perm));
  const hash = trusted === undefined ? createHash("sha256") : undefined;
  let size = 0;
  const chunks: Uint8Array[] = [];
  let handle: FileHandle | undefined;
  let tmp: string | undefined;
  let createdWithPerm = false;
  try {
    for await (const chunk of content as AsyncIterable<Uint8Array>) {
      if (!(chunk instanceof Uint8Array)) throw badContent(options, "a content chunk is not a Uint8Array");
      hash?.update(chunk);
      size += chunk.length;
      if (skipWrite) continue;
      if (handle !== undefined) {
        await handle.write(chunk);
      } else if (size <= IN_MEMORY_LIMIT) {
        chunks.push(Buffer.from(chunk)); // a copy: the producer may reuse its buffer
      } else {
        tmp = path.join(target.tmpDir, tempName("obj"));
        createdWithPerm = createWithPerm(target, options.perm);
        handle = await open(tmp, "wx", createdWithPerm ? options.perm : 0o600);
        for (const held of chunks) await handle.write(held);
        chunks.length = 0;
        await handle.write(chunk);
      }
    }
    const sha256 = trusted ?? (hash as Hash).digest("hex");
    checkExpected(sha256, options);
    if (skipWrite) return result(sha256, options.perm, size, false);
    if (handle === undefined) {
      const data = chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
      // A known digest's object was looked for just before reading: no second look.
      return writeBytes(target, data, sha256, options, known === undefined);
    }
    if (!createdWithPerm) await handle.chmod(options.perm);
    if (target.fsync) await handle.sync();
    await handle.close();
    handle = undefined;
    const final = objectFilePath(target.dir, sha256, options.perm);
    if (existsSync(final)) {
      await unlink(tmp as string);
      return result(sha256, options.perm, size, false);
    }
    await renameCreatingParent(tmp as string, final);
    tmp = undefined;
    return result(sha256, options.perm, size, true);
  } finally {
    if (handle !== undefined) await handle.close().catch(() => undefined);
    if (tmp !== undefined) await unlink(tmp).catch(() => undefined);
  }
}

/** Writes in-memory content with synchronous calls (see `writeObjectFileSync` for why) unless its object exists. */
function writeBytes(
  target: ObjectWriteTarget,
  data: Uint8Array,
  knownSha256: string | undefined,
  options: WriteObjectOptions,
  lookFirst: boolean,
): WriteObjectResult {
  const sha256 = knownSha256 ?? createHash("sha256").update(data).digest("hex");
  checkExpected(sha256, options);
  const final = objectFilePath(target.dir, sha256, options.perm);
  if (lookFirst && existsSync(final)) return result(sha256, options.perm, data.length, false);
  writeObjectFileSync({
    tmp: path.join(target.tmpDir, tempName("obj")),
    final,
    data,
    perm: options.perm,
    createWithPerm: createWithPerm(target, options.perm),
    fsync: target.fsync,
  });
  return result(sha256, options.perm, data.length, true);
}

/** True when a file created in the store's `tmp/` with mode `perm` gets exactly `perm` (no `fchmod` needed). */
function createWithPerm(target: ObjectWriteTarget, perm: number): boolean {
  const mask = creationMask(target, target.tmpDir);
  return mask !== undefined && (perm & mask) === 0;
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

function result(sha256: string, perm: number, size: number, written: boolean): WriteObjectResult {
  return { sha256, perm, id: `${sha256}.${formatPerm(perm)}`, size, written };
}
