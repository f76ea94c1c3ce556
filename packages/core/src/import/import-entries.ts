import { GroveError } from "../errors.js";
import type { Commit, Entry, EntryType } from "../store/commit.js";
import { encodeCommit } from "../store/commit-codec.js";
import { normalizeEntryPath } from "../store/entry-path.js";
import { isSha256Hex } from "../store/ids.js";
import { writeObjectTo } from "../store/object-writer.js";
import { assertRefName } from "../store/ref-name.js";
import type { Store } from "../store/store.js";
import { resolveHardlinks } from "./hardlinks.js";
import type { ImportEntry, ImportOptions, ImportResult, ImportStats } from "./import-entry.js";

/** `st_mode` file-type bits of each entry type. */
const TYPE_BITS: Record<EntryType, number> = {
  file: 0o100000,
  hardlink: 0o100000,
  dir: 0o040000,
  symlink: 0o120000,
  chardev: 0o020000,
  blockdev: 0o060000,
  fifo: 0o010000,
  socket: 0o140000,
};

/**
 * The generic streaming importer: turns an (async) iterable of entries into a commit.
 *
 * Each file's content is hashed while it streams (once: a stream that checks its own digest passes
 * it as `verifiedSha256` and is not hashed again) and written to the store only if that object
 * is new. Paths are normalised; `..`, NUL and empty paths throw `STORE_BAD_PATH`, a path given
 * twice `STORE_DUPLICATE_PATH`, both naming the path. Missing parent directories are fine.
 * The commit is written only after all its objects, then the source index entry, then the ref,
 * all under the store's shared lock. On any error nothing but orphan objects (which `gc`
 * removes) is left behind: never a commit or a ref.
 *
 * @param store - the store to import into
 * @param entries - the tree's entries, in any order
 * @param options - metadata, references, extra objects, ref, source sha256
 * @example
 * ```ts
 * const { commitId } = await importEntries(store, [
 *   { path: "usr/bin", type: "dir", mode: 0o755, uid: 0, gid: 0 },
 *   { path: "usr/bin/hello", type: "file", mode: 0o755, uid: 0, gid: 0, content: bytes },
 * ], { metadata: { kind: "example" }, ref: "example/hello" });
 * ```
 */
export async function importEntries(
  store: Store,
  entries: AsyncIterable<ImportEntry> | Iterable<ImportEntry>,
  options: ImportOptions,
): Promise<ImportResult> {
  const subject = options.subject ?? "import";
  if (options.ref !== undefined) assertRefName(options.ref);
  if (options.sourceSha256 !== undefined && !isSha256Hex(options.sourceSha256)) {
    throw new GroveError(
      "STORE_BAD_ID",
      `${subject}: source sha256 ${JSON.stringify(options.sourceSha256)} is not hex`,
    );
  }
  return store.withLock(async () => {
    const stats: ImportStats = { objectsWritten: 0, objectsReused: 0, bytesWritten: 0, entries: 0 };
    const byPath = new Map<string, Entry>();
    for await (const item of entries) {
      const entry = await importOne(store, item, subject, stats);
      if (byPath.has(entry.path)) {
        throw new GroveError("STORE_DUPLICATE_PATH", `${subject}: the path ${entry.path} appears twice`, {
          subject: entry.path,
          hint: "each path may appear once per import (after normalisation: ./a, a and /a are the same path)",
        });
      }
      byPath.set(entry.path, entry);
    }
    resolveHardlinks(byPath, subject);
    const metadata = typeof options.metadata === "function" ? options.metadata() : options.metadata;
    const commit: Commit = { version: 1, entries: [...byPath.values()], metadata };
    if (options.references !== undefined) commit.references = options.references;
    if (options.objects !== undefined) commit.objects = options.objects;
    const encoded = encodeCommit(commit);
    await checkExtraTargets(store, encoded.commit, subject);
    await store.writeEncodedCommit(encoded.id, encoded.bytes);
    if (options.sourceSha256 !== undefined) await store.recordSource(options.sourceSha256, encoded.id);
    if (options.ref !== undefined) await store.setRef(options.ref, encoded.id);
    stats.entries = encoded.commit.entries.length;
    return { commitId: encoded.id, commit: encoded.commit, stats };
  });
}

async function importOne(store: Store, item: ImportEntry, subject: string, stats: ImportStats): Promise<Entry> {
  const path = normalizeEntryPath(item.path, subject);
  const bad = (what: string) =>
    new GroveError("STORE_BAD_ENTRY", `${subject}: entry ${path}: ${what}`, { subject: path });
  if (typeof item.type !== "string" || !(item.type in TYPE_BITS))
    throw bad(`unknown type ${JSON.stringify(item.type)}`);
  if (typeof item.mode !== "number" || !Number.isInteger(item.mode) || item.mode < 0)
    throw bad("mode is not an integer");
  const typeBits = item.mode & ~0o7777;
  if (typeBits !== 0 && typeBits !== TYPE_BITS[item.type]) {
    throw bad(`mode ${item.mode.toString(8)} has file-type bits of another type than ${item.type}`);
  }
  if (item.content !== undefined && item.type !== "file") throw bad(`a ${item.type} entry cannot have content`);

  const { content: _content, expectedSha256: _expected, verifiedSha256: _verified, ...fields } = item;
  const entry: Entry = { ...fields, path, mode: item.mode & 0o7777 } as Entry;
  for (const key of Object.keys(entry) as (keyof Entry)[]) if (entry[key] === undefined) delete entry[key];
  if (item.type === "hardlink" && item.linkTo !== undefined) entry.linkTo = normalizeEntryPath(item.linkTo, subject);
  if (item.type !== "file") return entry;

  const perm = entry.mode & 0o777;
  if (item.content !== undefined) {
    const expected = item.expectedSha256 ?? item.object;
    const written = await writeObjectTo(store, item.content, {
      perm,
      subject: `${subject}:${path}`,
      ...(expected === undefined ? {} : { expectedSha256: expected }),
      ...(item.verifiedSha256 === undefined ? {} : { verifiedSha256: item.verifiedSha256 }),
    });
    if (item.size !== undefined && item.size !== written.size) {
      throw new GroveError(
        "STORE_SIZE_MISMATCH",
        `${subject}: entry ${path} declares ${item.size} bytes but its content has ${written.size}`,
        { subject: path },
      );
    }
    if (written.written) {
      stats.objectsWritten++;
      stats.bytesWritten += written.size;
    } else {
      stats.objectsReused++;
    }
    entry.object = written.sha256;
    entry.size = written.size;
  } else if (item.object !== undefined) {
    if (!isSha256Hex(item.object)) throw bad("object is not a lowercase hex sha256");
    if (!(await store.hasObject(item.object, perm))) {
      throw new GroveError(
        "STORE_MISSING_OBJECT",
        `${subject}: entry ${path} names object ${item.object} (mode ${perm.toString(8)}), which is not in the store`,
        { subject: path, hint: "pass the content instead, or write the object first" },
      );
    }
    if (item.size === undefined) throw bad("an entry naming an existing object needs its size");
    stats.objectsReused++;
  }
  return entry;
}

async function checkExtraTargets(store: Store, commit: Commit, subject: string): Promise<void> {
  for (const id of commit.objects ?? []) {
    if (!(await store.hasObjectId(id))) {
      throw new GroveError("STORE_MISSING_OBJECT", `${subject}: extra object ${id} is not in the store`, {
        subject: id,
        hint: "write it with store.writeObject inside store.withLock before importing",
      });
    }
  }
  for (const ref of commit.references ?? []) {
    if (!(await store.hasCommit(ref))) {
      throw new GroveError("STORE_COMMIT_NOT_FOUND", `${subject}: referenced commit ${ref} does not exist`, {
        subject: ref,
      });
    }
  }
}
