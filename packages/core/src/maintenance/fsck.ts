import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeCommit } from "../store/commit-codec.js";
import { canonicalCommitBytes } from "../store/commit-file.js";
import { parseObjectId } from "../store/ids.js";
import { STORE_JSON_TEXT } from "../store/layout.js";
import { objectFilePath } from "../store/object-writer.js";
import { isValidRefName } from "../store/ref-name.js";
import type { Store } from "../store/store.js";
import { mapLimit } from "./map-limit.js";
import { checkObjects } from "./object-check-pool.js";
import type { FsckProblem } from "./problems.js";
import { listFanOut, listRefFiles } from "./store-listing.js";

/** Progress of an {@link fsck} run. */
export interface FsckProgress {
  /** What is being checked. */
  phase: "objects" | "commits" | "refs" | "index";
  /** Items of this phase checked so far. */
  done: number;
  /** Items in this phase. */
  total: number;
}

/** Options of {@link fsck}. */
export interface FsckOptions {
  /** Called as the check advances (at most about once per 64 items, and at the end of each phase). */
  onProgress?: (progress: FsckProgress) => void;
  /** Hashing threads (default: one per CPU, at most 4; 1 hashes in this thread). */
  workers?: number;
}

/** What {@link fsck} found. */
export interface FsckResult {
  /** True when no problem was found. */
  ok: boolean;
  /** Everything wrong, in check order. */
  problems: FsckProblem[];
  /** Object files re-hashed. */
  objectsChecked: number;
  /** Commit files checked. */
  commitsChecked: number;
  /** Refs checked. */
  refsChecked: number;
  /** Source index entries checked. */
  indexEntriesChecked: number;
  /** Bytes of object content hashed. */
  bytesHashed: number;
}

const COMMIT_FILE = /^([0-9a-f]{2})\/(\1[0-9a-f]{62})\.json$/;
const INDEX_FILE = /^([0-9a-f]{2})\/(\1[0-9a-f]{62})$/;
const ID_LINE = /^([0-9a-f]{64})\n$/;

/**
 * Checks the whole store: re-hashes every object (finding a byte flipped through a hard-linked
 * checkout, a changed mode, a non-file), checks every commit's id, form and that every object and
 * commit it names exists, and every ref and source-index entry. Holds the shared lock (no gc
 * meanwhile); imports may run concurrently. Temp files and locks left by killed processes are not
 * damage. Hashing runs on a worker_threads pool so it uses every core.
 * @param store - the store to check
 * @param options - progress callback and pool size
 */
export async function fsck(store: Store, options: FsckOptions = {}): Promise<FsckResult> {
  return store.withLock(() => runFsck(store, options));
}

async function runFsck(store: Store, options: FsckOptions): Promise<FsckResult> {
  const dir = store.dir;
  const problems: FsckProblem[] = [];
  const progress = options.onProgress ?? (() => undefined);
  const result: FsckResult = {
    ok: false,
    problems,
    objectsChecked: 0,
    commitsChecked: 0,
    refsChecked: 0,
    indexEntriesChecked: 0,
    bytesHashed: 0,
  };

  const storeJson = await readFile(path.join(dir, "store.json"), "utf8").catch(() => "");
  if (storeJson !== STORE_JSON_TEXT) {
    problems.push({
      kind: "store-json",
      subject: "store.json",
      message: `store.json is not exactly ${JSON.stringify(STORE_JSON_TEXT)}`,
    });
  }

  // Objects.
  const objects = await listFanOut(dir, "objects");
  for (const stray of objects.strays) problems.push(stray_(stray));
  const present = new Set<string>();
  for (const rel of objects.files) present.add(rel.slice(3));
  const total = objects.files.length;
  // Objects are hashed on the worker pool while this thread checks the commits.
  const objectsChecked = checkObjects(
    dir,
    objects.files,
    (check) => {
      result.objectsChecked++;
      result.bytesHashed += check.size;
      problems.push(...check.problems);
      if (result.objectsChecked % 64 === 0 || result.objectsChecked === total) {
        progress({ phase: "objects", done: result.objectsChecked, total });
      }
    },
    options.workers,
  );
  const objectExists = (sha256: string, perm: number): boolean =>
    present.has(`${sha256}.${perm.toString(8).padStart(4, "0")}`) || existsSync(objectFilePath(dir, sha256, perm));

  // Commits.
  const commits = await listFanOut(dir, "commits");
  for (const stray of commits.strays) problems.push(stray_(stray));
  const commitIds = new Set<string>();
  const commitFiles: Array<{ rel: string; id: string }> = [];
  for (const rel of commits.files) {
    const m = COMMIT_FILE.exec(rel);
    if (m) {
      commitIds.add(m[2]!);
      commitFiles.push({ rel, id: m[2]! });
    } else {
      problems.push({
        kind: "commit-name",
        subject: `commits/${rel}`,
        message: `commits/${rel} is not named commits/<aa>/<sha256>.json`,
      });
    }
  }
  const commitExists = (id: string): boolean => commitIds.has(id) || existsSync(store.commitPath(id));
  await mapLimit(commitFiles, 8, async ({ rel, id }) => {
    const subject = `commits/${rel}`;
    try {
      const commit = decodeCommit(canonicalCommitBytes(await readFile(path.join(dir, subject)), subject), id, subject);
      for (const entry of commit.entries) {
        if (entry.object !== undefined && !objectExists(entry.object, entry.mode & 0o777)) {
          problems.push({
            kind: "commit-missing-object",
            subject,
            message: `${subject}: entry ${entry.path} needs object ${entry.object}.${(entry.mode & 0o777).toString(8).padStart(4, "0")}, which is missing`,
          });
        }
      }
      for (const objectId of commit.objects ?? []) {
        const parsed = parseObjectId(objectId)!;
        if (!objectExists(parsed.sha256, parsed.perm)) {
          problems.push({
            kind: "commit-missing-object",
            subject,
            message: `${subject}: extra object ${objectId} is missing`,
          });
        }
      }
      for (const ref of commit.references ?? []) {
        if (!commitExists(ref)) {
          problems.push({
            kind: "commit-missing-reference",
            subject,
            message: `${subject}: referenced commit ${ref} is missing`,
          });
        }
      }
    } catch (err) {
      problems.push({ kind: "commit-corrupt", subject, message: (err as Error).message });
    }
    result.commitsChecked++;
    if (result.commitsChecked % 64 === 0)
      progress({ phase: "commits", done: result.commitsChecked, total: commitFiles.length });
  });
  progress({ phase: "commits", done: result.commitsChecked, total: commitFiles.length });
  await objectsChecked;

  // Refs.
  const refs = await listRefFiles(dir);
  await mapLimit(refs, 8, async (name) => {
    const subject = `refs/${name}`;
    result.refsChecked++;
    if (!isValidRefName(name)) {
      problems.push({
        kind: "ref-invalid",
        subject,
        message: `${subject}: ${JSON.stringify(name)} is not a valid ref name`,
      });
      return;
    }
    const text = await readFile(path.join(dir, subject), "latin1").catch((err: Error) => `\0${err.message}`);
    const m = ID_LINE.exec(text);
    if (!m) {
      problems.push({ kind: "ref-invalid", subject, message: `${subject} does not hold "<commit id>\\n"` });
    } else if (!commitExists(m[1]!)) {
      problems.push({
        kind: "ref-missing-commit",
        subject,
        message: `ref ${name} points at commit ${m[1]}, which is missing`,
      });
    }
  });
  progress({ phase: "refs", done: result.refsChecked, total: refs.length });

  // Source index.
  const index = await listFanOut(dir, "index/source");
  for (const stray of index.strays) problems.push(stray_(stray));
  await mapLimit(index.files, 8, async (rel) => {
    const subject = `index/source/${rel}`;
    result.indexEntriesChecked++;
    if (!INDEX_FILE.test(rel)) {
      problems.push({ kind: "index-invalid", subject, message: `${subject} is not named index/source/<aa>/<sha256>` });
      return;
    }
    const text = await readFile(path.join(dir, subject), "latin1").catch((err: Error) => `\0${err.message}`);
    const m = ID_LINE.exec(text);
    if (!m) {
      problems.push({ kind: "index-invalid", subject, message: `${subject} does not hold "<commit id>\\n"` });
    } else if (!commitExists(m[1]!)) {
      problems.push({
        kind: "index-missing-commit",
        subject,
        message: `${subject} points at commit ${m[1]}, which is missing`,
      });
    }
  });
  progress({ phase: "index", done: result.indexEntriesChecked, total: index.files.length });

  result.ok = problems.length === 0;
  return result;
}

function stray_(subject: string): FsckProblem {
  return { kind: "unknown-file", subject, message: `${subject} does not belong in a grove store` };
}
