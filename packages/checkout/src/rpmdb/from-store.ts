/**
 * Getting the rpmdb input of imported packages back out of a grove store.
 * @packageDocumentation
 */
import { readFileSync } from "node:fs";
import { GroveError, parseObjectId, type Store } from "@grove/core/store";
import type { RpmCommitMetadata } from "@grove/rpm";
import { headerFromObject } from "@grove/rpm/header-object";
import type { RpmdbKeyPackage } from "./rpmdb-key.js";
import type { RpmdbPackage } from "./write-rpmdb.js";

/** A package read from the store: what {@link writeRpmdb} and {@link rpmdbKey} need. */
export type StoredRpmdbPackage = RpmdbPackage & RpmdbKeyPackage & { subject: string };

/**
 * Reads, for each package commit (as `importRpm` writes them), its NEVRA, file sha256 and the main header object
 * (`metadata.header`); also the signature header when the metadata names one in `signature`.
 * @throws GroveError `CHECKOUT_RPMDB_NOT_RPM` for a commit that is not an RPM package commit, `STORE_*` from
 *   the store, `CHECKOUT_RPMDB_READ_FAILED` when a header object cannot be read
 */
export async function readRpmdbPackages(store: Store, commitIds: readonly string[]): Promise<StoredRpmdbPackage[]> {
  const out: StoredRpmdbPackage[] = [];
  for (const commitId of commitIds) {
    const meta = (await store.readCommitMetadata(commitId)) as unknown as Partial<RpmCommitMetadata> & {
      signature?: unknown;
    };
    if (meta.kind !== "rpm" || typeof meta.header !== "string" || typeof meta.nevra !== "string") {
      throw new GroveError("CHECKOUT_RPMDB_NOT_RPM", `commit ${commitId} is not an RPM package commit`, {
        subject: commitId,
      });
    }
    const subject = meta.nevra;
    const pkg: StoredRpmdbPackage = {
      nevra: meta.nevra,
      sha256: meta.sha256 ?? "",
      subject,
      headerBytes: headerFromObject(readObject(store, meta.header, subject), subject),
    };
    if (typeof meta.signature === "string") {
      pkg.signatureBytes = headerFromObject(readObject(store, meta.signature, subject), subject);
    }
    out.push(pkg);
  }
  return out;
}

/** Reads a header object synchronously: a few kilobytes each, for which a thread-pool round trip costs more than the read. */
function readObject(store: Store, id: string, subject: string): Uint8Array {
  const parsed = parseObjectId(id);
  if (parsed === undefined) {
    throw new GroveError(
      "CHECKOUT_RPMDB_READ_FAILED",
      `${subject}: header object id ${JSON.stringify(id)} is malformed`,
      {
        subject,
      },
    );
  }
  const file = store.objectPath(parsed.sha256, parsed.perm);
  try {
    return new Uint8Array(readFileSync(file));
  } catch (cause) {
    throw new GroveError(
      "CHECKOUT_RPMDB_READ_FAILED",
      `${subject}: cannot read header object ${file}: ${String(cause)}`,
      {
        subject,
        cause,
        hint: "run `grove fsck`",
      },
    );
  }
}
