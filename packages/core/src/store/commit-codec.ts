import { createHash } from "node:crypto";
import { GroveError } from "../errors.js";
import { compareUtf8, encodeCanonicalJson } from "./canonical-json.js";
import type { Commit, Entry } from "./commit.js";
import { validateCommit } from "./validate-commit.js";

/** A commit in stored form with its id and exact bytes. */
export interface EncodedCommit {
  /** sha256 (hex) of {@link EncodedCommit.bytes}: the commit id. */
  id: string;
  /** The canonical JSON bytes written to `commits/<aa>/<id>.json`. */
  bytes: Buffer;
  /** The commit in stored (canonical) form. */
  commit: Commit;
}

/**
 * Puts a commit into stored form: entries sorted by path (UTF-8 byte order), `references` and
 * `objects` sorted and de-duplicated, and left out when empty. Does not validate.
 * @param commit - any commit value
 */
export function canonicalizeCommit(commit: Commit): Commit {
  const out: Commit = {
    version: commit.version,
    entries: [...commit.entries].sort((a: Entry, b: Entry) => compareUtf8(a.path, b.path)),
    metadata: commit.metadata,
  };
  const references = sortedUnique(commit.references);
  if (references !== undefined) out.references = references;
  const objects = sortedUnique(commit.objects);
  if (objects !== undefined) out.objects = objects;
  return out;
}

/**
 * Canonicalises, validates and encodes a commit; throws a GroveError when it is not valid.
 * @param commit - the commit to encode
 */
export function encodeCommit(commit: Commit): EncodedCommit {
  const canonical = canonicalizeCommit(commit);
  validateCommit(canonical);
  const bytes = Buffer.from(encodeCanonicalJson(canonical, "commit"), "utf8");
  return { id: createHash("sha256").update(bytes).digest("hex"), bytes, commit: canonical };
}

/**
 * Decodes a stored commit and checks it: its sha256 must be `id`, it must parse, be valid and be
 * exactly in canonical form. Throws `STORE_CORRUPT_COMMIT` naming `subject` otherwise.
 * @param bytes - the file's bytes
 * @param id - the commit id the file is named by
 * @param subject - the file (for messages)
 */
export function decodeCommit(bytes: Uint8Array, id: string, subject: string): Commit {
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== id) {
    throw new GroveError("STORE_CORRUPT_COMMIT", `${subject}: content hashes to ${actual}, not to its name ${id}`, {
      subject,
      hint: "run `grove fsck`; the commit file was modified or damaged",
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
    validateCommit(parsed, subject);
  } catch (cause) {
    throw new GroveError("STORE_CORRUPT_COMMIT", `${subject} is not a valid commit: ${(cause as Error).message}`, {
      subject,
      cause,
    });
  }
  if (encodeCanonicalJson(parsed, "commit") !== Buffer.from(bytes).toString("utf8")) {
    throw new GroveError("STORE_CORRUPT_COMMIT", `${subject} is not in canonical form`, { subject });
  }
  return parsed;
}

function sortedUnique(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  return [...new Set(values)].sort();
}
