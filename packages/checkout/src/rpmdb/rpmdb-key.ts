/**
 * A content key for an rpmdb, so a database built once for a package set can be copied into other roots.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { GroveError, isSha256Hex } from "@grove/core/store";
import { DEFAULT_INSTALL_COLOR } from "./write-rpmdb.js";

/** The writer's format: bump when the bytes the writer produces for the same input change. */
export const RPMDB_FORMAT = "grove-rpmdb-1";

/** A package as {@link rpmdbKey} identifies it. */
export interface RpmdbKeyPackage {
  /** `%{NEVRA}`. */
  nevra: string;
  /** sha256 of the package file, hex. */
  sha256: string;
}

/** Options of {@link rpmdbKey}: what else changes the database bytes besides the packages and install times. */
export interface RpmdbKeyOptions {
  /** INSTALLCOLOR the database is written with; default {@link DEFAULT_INSTALL_COLOR}. */
  installColor?: number;
}

/**
 * A stable sha256 (hex) of a package set for reusing an rpmdb: the writer's format version, the install color and
 * the sorted `NEVRA sha256` lines. The order of `packages` does not matter; install times are deliberately left
 * out (a reused database keeps the times it was built with).
 * @throws GroveError `CHECKOUT_RPMDB_BAD_INPUT` for a sha256 that is not 64 hex digits or a NEVRA with a newline
 */
export function rpmdbKey(packages: readonly RpmdbKeyPackage[], options: RpmdbKeyOptions = {}): string {
  const lines = packages.map((p) => {
    if (!isSha256Hex(p.sha256) || /[\n\s]/.test(p.nevra) || p.nevra === "") {
      throw new GroveError(
        "CHECKOUT_RPMDB_BAD_INPUT",
        `rpmdb key: package ${JSON.stringify(p.nevra)} has sha256 ${JSON.stringify(p.sha256)}; expected a NEVRA without spaces and 64 hex digits`,
        { subject: p.nevra },
      );
    }
    return `${p.nevra} ${p.sha256}`;
  });
  lines.sort();
  const hash = createHash("sha256");
  hash.update(`${RPMDB_FORMAT}\ncolor ${options.installColor ?? DEFAULT_INSTALL_COLOR}\n`);
  for (const line of lines) hash.update(`${line}\n`);
  return hash.digest("hex");
}
