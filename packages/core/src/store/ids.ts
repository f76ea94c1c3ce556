import { GroveError } from "../errors.js";

const SHA256_HEX = /^[0-9a-f]{64}$/;
const OBJECT_ID = /^([0-9a-f]{64})\.([0-7]{4})$/;

/** True when `value` is a lowercase 64-character hex sha256 digest. */
export function isSha256Hex(value: unknown): value is string {
  return typeof value === "string" && SHA256_HEX.test(value);
}

/**
 * Throws `STORE_BAD_ID` unless `value` is a lowercase 64-character hex sha256 digest.
 * @param value - the candidate digest
 * @param what - what the digest names, for the message (e.g. `commit id`)
 */
export function assertSha256Hex(value: unknown, what: string): asserts value is string {
  if (!isSha256Hex(value)) {
    throw new GroveError("STORE_BAD_ID", `${what} ${JSON.stringify(value)} is not a lowercase 64-digit hex sha256`, {
      subject: String(value),
    });
  }
}

/**
 * Throws `STORE_BAD_PERM` unless `perm` is an integer in 0..0o777 (the permission bits an object carries on disk).
 * @param perm - the candidate permission bits
 */
export function assertObjectPerm(perm: unknown): asserts perm is number {
  if (typeof perm !== "number" || !Number.isInteger(perm) || perm < 0 || perm > 0o777) {
    throw new GroveError("STORE_BAD_PERM", `object permission ${String(perm)} is not an integer in 0..0o777`, {
      hint: "pass mode & 0o777; setuid/setgid/sticky bits are commit metadata, never on disk",
    });
  }
}

/** The 4-digit octal suffix of an object file name, e.g. `0644` for 0o644. */
export function formatPerm(perm: number): string {
  return perm.toString(8).padStart(4, "0");
}

/**
 * The name of an object in the store: `<sha256>.<pppp>`, e.g. `e3b0…b855.0644`.
 * @param sha256 - content digest (lowercase hex)
 * @param perm - permission bits the object carries on disk (0..0o777)
 */
export function objectId(sha256: string, perm: number): string {
  assertSha256Hex(sha256, "object sha256");
  assertObjectPerm(perm);
  return `${sha256}.${formatPerm(perm)}`;
}

/** An object name split into its parts. */
export interface ParsedObjectId {
  /** Content digest (lowercase hex). */
  sha256: string;
  /** Permission bits the object carries on disk. */
  perm: number;
}

/**
 * Splits an object name `<sha256>.<pppp>`; `undefined` when it is not one (or pppp > 0777).
 * @param id - the candidate object name
 */
export function parseObjectId(id: string): ParsedObjectId | undefined {
  const m = OBJECT_ID.exec(id);
  if (!m) return undefined;
  const perm = Number.parseInt(m[2]!, 8);
  if (perm > 0o777) return undefined;
  return { sha256: m[1]!, perm };
}
