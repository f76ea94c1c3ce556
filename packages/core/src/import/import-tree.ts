import { createReadStream, type Stats } from "node:fs";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "../errors.js";
import type { Commit, EntryType } from "../store/commit.js";
import type { Store } from "../store/store.js";
import { importEntries } from "./import-entries.js";
import type { ImportEntry, ImportResult } from "./import-entry.js";

/** Owner to record for every entry instead of the files' own uid/gid. */
export interface TreeOwnership {
  /** User id. */
  uid: number;
  /** Group id. */
  gid: number;
  /** User name. */
  user?: string;
  /** Group name. */
  group?: string;
}

/** Options of {@link importTree}. */
export interface ImportTreeOptions {
  /** The commit's metadata. */
  metadata: Commit["metadata"];
  /** Record this owner for every entry (default: each file's own uid/gid, without names). */
  ownership?: TreeOwnership;
  /** A ref to point at the commit. */
  ref?: string;
  /** Commits the new commit keeps alive. */
  references?: string[];
  /** sha256 of the source artifact the tree came from, for the source index. */
  sourceSha256?: string;
}

/** Files up to this size are read into memory in one call; larger ones stream. */
const READ_WHOLE_LIMIT = 1 << 20;

/**
 * Imports a plain directory as a commit (the directory itself becomes `/`). Entries come from
 * `lstat`, so symlinks are recorded, never followed; files sharing an inode become a hard-link
 * set; devices, FIFOs and sockets are recorded as entries. Ownership is each file's uid/gid
 * unless `ownership` is given. Extended attributes are not recorded: Node has no API to read them.
 * Throws `STORE_BAD_TREE` when `dir` is not a directory or a file cannot be read.
 * @param store - the store to import into
 * @param dir - the directory to import
 * @param options - metadata, ownership, ref
 */
export async function importTree(store: Store, dir: string, options: ImportTreeOptions): Promise<ImportResult> {
  const root = path.resolve(dir);
  const info = await lstat(root).catch((cause: unknown) => {
    throw new GroveError("STORE_BAD_TREE", `cannot import ${root}: ${(cause as Error).message}`, {
      subject: root,
      cause,
    });
  });
  if (!info.isDirectory()) {
    throw new GroveError("STORE_BAD_TREE", `cannot import ${root}: it is not a directory`, { subject: root });
  }
  return importEntries(store, walkTree(root, info, options.ownership), {
    metadata: options.metadata,
    subject: root,
    ...(options.ref === undefined ? {} : { ref: options.ref }),
    ...(options.references === undefined ? {} : { references: options.references }),
    ...(options.sourceSha256 === undefined ? {} : { sourceSha256: options.sourceSha256 }),
  });
}

async function* walkTree(
  root: string,
  rootInfo: Stats,
  ownership: TreeOwnership | undefined,
): AsyncGenerator<ImportEntry> {
  const firstPathOfInode = new Map<string, string>();
  const stack: string[] = [""];
  yield describe("/", rootInfo, ownership, "dir");
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const names = (await readdir(path.join(root, rel)).catch(unreadable(root, rel))).sort().reverse();
    for (const name of names) {
      const childRel = rel === "" ? name : `${rel}/${name}`;
      const full = path.join(root, childRel);
      const st = await lstat(full).catch(unreadable(root, childRel));
      const entryPath = `/${childRel}`;
      if (st.isDirectory()) {
        yield describe(entryPath, st, ownership, "dir");
        stack.push(childRel);
      } else if (st.isSymbolicLink()) {
        const target = await readlink(full).catch(unreadable(root, childRel));
        yield { ...describe(entryPath, st, ownership, "symlink"), linkTo: target };
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? firstPathOfInode.get(key) : undefined;
        if (first !== undefined) {
          yield { ...describe(entryPath, st, ownership, "hardlink"), linkTo: first };
          continue;
        }
        if (st.nlink > 1) firstPathOfInode.set(key, entryPath);
        const content =
          st.size <= READ_WHOLE_LIMIT
            ? await readFile(full).catch(unreadable(root, childRel))
            : readStream(full, root, childRel);
        yield { ...describe(entryPath, st, ownership, "file"), size: st.size, content };
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const type = st.isCharacterDevice() ? "chardev" : "blockdev";
        yield { ...describe(entryPath, st, ownership, type), rdev: st.rdev };
      } else if (st.isFIFO()) {
        yield describe(entryPath, st, ownership, "fifo");
      } else if (st.isSocket()) {
        yield describe(entryPath, st, ownership, "socket");
      }
    }
  }
}

function describe(entryPath: string, st: Stats, ownership: TreeOwnership | undefined, type: EntryType): ImportEntry {
  const entry: ImportEntry = {
    path: entryPath,
    type,
    mode: st.mode & 0o7777,
    uid: ownership?.uid ?? st.uid,
    gid: ownership?.gid ?? st.gid,
    mtime: Math.floor(st.mtimeMs / 1000),
  };
  if (ownership?.user !== undefined) entry.user = ownership.user;
  if (ownership?.group !== undefined) entry.group = ownership.group;
  return entry;
}

async function* readStream(full: string, root: string, rel: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(full, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
  } catch (cause) {
    unreadable(root, rel)(cause);
  }
}

function unreadable(root: string, rel: string): (cause: unknown) => never {
  return (cause) => {
    throw new GroveError("STORE_BAD_TREE", `cannot import ${path.join(root, rel)}: ${(cause as Error).message}`, {
      subject: path.join(root, rel),
      cause,
    });
  };
}
