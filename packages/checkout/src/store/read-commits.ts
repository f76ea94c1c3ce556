import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { type Commit, canonicalCommitBytes, GroveError, isSha256Hex, type Store } from "@grove/core/store";

/**
 * Reads commits for a checkout, fast: each file is read synchronously and its sha256 compared with
 * its id, which proves it is the very commit the store validated when it was written; the full
 * re-validation and canonical re-encoding of {@link Store.readCommit} (ten times slower for a root's
 * 100+ package commits) is skipped. Checkout re-checks everything it relies on for safety (paths,
 * types, modes, object ids) as it goes. Throws `STORE_COMMIT_NOT_FOUND` or `STORE_CORRUPT_COMMIT`.
 * @param store - the store
 * @param ids - commit ids
 */
export function readCommitsForCheckout(store: Store, ids: readonly string[]): Commit[] {
  return ids.map((id) => readOne(store, id));
}

function readOne(store: Store, id: string): Commit {
  if (!isSha256Hex(id)) {
    throw new GroveError("STORE_BAD_ID", `commit id ${JSON.stringify(id)} is not a lowercase 64-digit hex sha256`, {
      subject: String(id),
    });
  }
  const file = store.commitPath(id);
  let bytes: Buffer;
  try {
    bytes = canonicalCommitBytes(readFileSync(file), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new GroveError("STORE_COMMIT_NOT_FOUND", `commit ${id} does not exist in the store ${store.dir}`, {
        subject: id,
        hint: "the package was removed by gc or never imported; assemble again to re-import it",
      });
    }
    throw err;
  }
  const actual = createHash("sha256").update(bytes).digest("hex");
  let parsed: unknown;
  try {
    if (actual !== id) throw new Error(`content hashes to ${actual}`);
    parsed = JSON.parse(bytes.toString("utf8"));
    const c = parsed as Partial<Commit>;
    if (c === null || typeof c !== "object" || c.version !== 1 || !Array.isArray(c.entries)) {
      throw new Error("not a version-1 commit");
    }
    if (c.metadata === null || typeof c.metadata !== "object") throw new Error("no metadata");
  } catch (cause) {
    throw new GroveError(
      "STORE_CORRUPT_COMMIT",
      `commit ${id} in ${store.dir} is damaged: ${(cause as Error).message}`,
      {
        subject: id,
        cause,
        hint: "run `grove fsck`",
      },
    );
  }
  return parsed as Commit;
}
