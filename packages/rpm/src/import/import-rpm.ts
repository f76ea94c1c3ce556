import { createHash } from "node:crypto";
import { type FileHandle, open } from "node:fs/promises";
import { type Commit, GroveError, type ImportStats, importEntries, isSha256Hex, type Store } from "@grove/core";
import { archSuffix } from "../header/package-info.js";
import type { ByteSource } from "../io/byte-reader.js";
import { coalesceChunks } from "../io/coalesce-chunks.js";
import { readFileChunks } from "../read-file-chunks.js";
import { openRpm } from "../read-rpm.js";
import { HashingSource } from "./hashing-source.js";
import { headerObjectContent } from "./header-object.js";
import { rpmImportEntries } from "./rpm-entries.js";

/** Options of {@link importRpm}. */
export interface ImportRpmOptions {
  /** The package file's sha256 when known (e.g. from repository metadata): a re-import then costs one lookup. */
  sha256?: string;
  /** Verify header, payload and file digests while importing (default true). */
  verify?: boolean;
  /** Name of the package in messages; default: the file path, or `"<stream>"`. */
  subject?: string;
}

/** What {@link importRpm} did. */
export interface ImportRpmResult {
  /** The package's commit. */
  commitId: string;
  /** The package's NEVRA as rpm prints `%{NEVRA}`. */
  nevra: string;
  /** The ref pointing at the commit: `rpm/<name>/<epoch or 0>:<version>-<release>.<arch>`. */
  ref: string;
  /** The package file's sha256. */
  sha256: string;
  /** True when the package was already in the store and nothing was read but the lookup (or one hash). */
  alreadyImported: boolean;
  /** Counters of the import (all zero when already imported). */
  stats: ImportStats;
}

/** Metadata `importRpm` records in a package's commit (`kind: "rpm"`). */
export interface RpmCommitMetadata {
  /** Always `"rpm"`. */
  kind: "rpm";
  /** `%{NEVRA}`. */
  nevra: string;
  /** Package name. */
  name: string;
  /** Epoch, absent when the package has none. */
  epoch?: number;
  /** Version. */
  version: string;
  /** Release. */
  release: string;
  /** Architecture (`src`/`nosrc` for source packages). */
  arch: string;
  /** sha256 of the package file. */
  sha256: string;
  /**
   * Object id (`<sha256>.0644`) of the main header exactly as in the file (16-byte intro, index, data), gzipped
   * (see `headerFromObject`; older stores hold it plain).
   */
  header: string;
  /**
   * Object id (`<sha256>.0644`) of the signature header exactly as in the file (16-byte intro, index, data;
   * no padding): with it the rpmdb writer stores rpm's merged signature tags byte for byte.
   */
  signature?: string;
  /** The source RPM it was built from (`""` for source packages). */
  sourceRpm: string;
  /** Install/erase scriptlets. */
  scripts: unknown[];
  /** Package triggers. */
  triggers: unknown[];
  /** File triggers. */
  fileTriggers: unknown[];
}

const EMPTY_STATS: ImportStats = { objectsWritten: 0, objectsReused: 0, bytesWritten: 0, entries: 0 };
/** Permission bits of the stored header blob object. */
const HEADER_PERM = 0o644;

/**
 * Imports an RPM package into the store as one commit, keyed by the package file's sha256 in the
 * store's source index: a package already imported costs one lookup when `sha256` is given, or one
 * hash of the file otherwise (a stream without `sha256` is imported, then found identical).
 * The commit holds every payload entry (content stored once per distinct file and mode) and every
 * `%ghost` file as an entry without content; entry `flags` are rpm's file flags, owner names are
 * kept (uid/gid are 0 for root and 65534 for names checkout must resolve), file capabilities
 * become the `security.capability` xattr. The metadata ({@link RpmCommitMetadata}) names the main
 * and signature headers, stored as objects for the rpmdb. The ref `rpm/<name>/<epoch>:<version>-<release>.<arch>`
 * points at the commit.
 * @param store - the store
 * @param source - a file path, or the package bytes / stream
 * @param options - known sha256, verification, subject
 * @throws GroveError from the RPM reader (`RPM_*`) and the store (`STORE_*`); `RPM_SHA256_MISMATCH`
 *   when the file does not hash to the given `sha256`
 */
export async function importRpm(
  store: Store,
  source: string | ByteSource,
  options: ImportRpmOptions = {},
): Promise<ImportRpmResult> {
  const subject = options.subject ?? (typeof source === "string" ? source : "<stream>");
  if (options.sha256 !== undefined && !isSha256Hex(options.sha256)) {
    throw new GroveError("RPM_BAD_SHA256", `${subject}: ${JSON.stringify(options.sha256)} is not a hex sha256`, {
      subject,
    });
  }
  let known = options.sha256;
  if (known === undefined && typeof source === "string") known = await hashFile(source, subject);
  if (known !== undefined) {
    const found = await findImported(store, known);
    if (found !== undefined) return found;
  }
  if (typeof source !== "string") {
    // A stream (a download) comes in small pieces: regrouped into shared chunks, as the file reader makes them.
    const chunks = source instanceof Uint8Array ? source : coalesceChunks(source);
    return importStream(store, chunks, known, subject, options.verify ?? true);
  }
  const handle = await open(source, "r").catch((cause: unknown) => {
    throw new GroveError("RPM_READ_FAILED", `${subject}: cannot open: ${(cause as Error).message}`, { subject, cause });
  });
  try {
    return await importStream(store, readFileChunks(handle, subject), known, subject, options.verify ?? true);
  } finally {
    await handle.close();
  }
}

/** The ref of a package: `rpm/<name>/<epoch or 0>:<version>-<release>.<arch>`. */
export function rpmRefName(meta: Pick<RpmCommitMetadata, "name" | "epoch" | "version" | "release" | "arch">): string {
  return `rpm/${meta.name}/${meta.epoch ?? 0}:${meta.version}-${meta.release}.${meta.arch}`;
}

async function importStream(
  store: Store,
  source: ByteSource,
  knownSha256: string | undefined,
  subject: string,
  verify: boolean,
): Promise<ImportRpmResult> {
  const hashing = new HashingSource(source instanceof Uint8Array ? [source] : source);
  return store.withLock(async () => {
    const rpm = await openRpm(hashing, { verify, subject });
    const { pkg } = rpm;
    const header = await store.writeObject(headerObjectContent(rpm.headers.headerBytes), {
      perm: HEADER_PERM,
      subject: `${subject} (header)`,
    });
    const signature = await store.writeObject(rpm.headers.signatureBytes, {
      perm: HEADER_PERM,
      subject: `${subject} (signature header)`,
    });
    const meta: RpmCommitMetadata = {
      kind: "rpm",
      nevra: pkg.nevra,
      name: pkg.name,
      version: pkg.version,
      release: pkg.release,
      arch: pkg.isSource ? archSuffix(rpm.headers.header) : pkg.arch,
      sha256: "",
      header: header.id,
      signature: signature.id,
      sourceRpm: pkg.sourceRpm,
      scripts: pkg.scripts,
      triggers: pkg.triggers,
      fileTriggers: pkg.fileTriggers,
    };
    if (pkg.epoch !== undefined) meta.epoch = pkg.epoch;
    const ref = rpmRefName(meta);
    async function* entries() {
      yield* rpmImportEntries(pkg, rpm.entries(), subject, verify);
      // The whole file is read once the payload is: its digest is final before the commit is written.
      meta.sha256 = await hashing.digest();
      if (knownSha256 !== undefined && meta.sha256 !== knownSha256) {
        throw new GroveError(
          "RPM_SHA256_MISMATCH",
          `${subject}: the file hashes to ${meta.sha256}, expected ${knownSha256}`,
          {
            subject,
            hint: "the download is corrupt or the repository metadata is stale",
          },
        );
      }
    }
    const before = knownSha256 === undefined ? undefined : await store.lookupSource(knownSha256);
    const result = await importEntries(store, entries(), {
      metadata: () => meta as unknown as Commit["metadata"],
      objects: [header.id, signature.id],
      subject,
    });
    const alreadyImported = (before ?? (await store.lookupSource(meta.sha256))) === result.commitId;
    await store.recordSource(meta.sha256, result.commitId);
    await store.setRef(ref, result.commitId);
    return {
      commitId: result.commitId,
      nevra: pkg.nevra,
      ref,
      sha256: meta.sha256,
      alreadyImported,
      stats: result.stats,
    };
  });
}

/** The result for a package already in the store, or `undefined` when it is not (or its commit is gone). */
async function findImported(store: Store, sha256: string): Promise<ImportRpmResult | undefined> {
  const commitId = await store.lookupSource(sha256);
  if (commitId === undefined) return undefined;
  let meta: Commit["metadata"];
  try {
    meta = await store.readCommitMetadata(commitId);
  } catch (err) {
    if ((err as GroveError).code === "STORE_COMMIT_NOT_FOUND") return undefined;
    throw err;
  }
  if (meta.kind !== "rpm") return undefined;
  const rpmMeta = meta as unknown as RpmCommitMetadata;
  const ref = rpmRefName(rpmMeta);
  if ((await store.getRef(ref)) === undefined) {
    try {
      await store.setRef(ref, commitId, { expected: null });
    } catch (err) {
      const code = (err as GroveError).code;
      if (code === "STORE_COMMIT_NOT_FOUND") return undefined; // collected meanwhile: import again
      if (code !== "STORE_REF_CHANGED") throw err; // another process set it meanwhile: fine
    }
  }
  return { commitId, nevra: rpmMeta.nevra, ref, sha256, alreadyImported: true, stats: { ...EMPTY_STATS } };
}

/** Bytes hashed per read when hashing a package file. */
const HASH_READ_SIZE = 1 << 20;

/** sha256 of a file, read through one reused buffer (the file is usually in the page cache). */
async function hashFile(file: string, subject: string): Promise<string> {
  const hash = createHash("sha256");
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, "r");
    const buffer = Buffer.allocUnsafe(HASH_READ_SIZE);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, HASH_READ_SIZE, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } catch (cause) {
    throw new GroveError("RPM_READ_FAILED", `${subject}: cannot read: ${(cause as Error).message}`, { subject, cause });
  } finally {
    await handle?.close();
  }
  return hash.digest("hex");
}
