/**
 * Writing rpm's sqlite database (`rpmdb.sqlite`) for a root, byte-compatible with what rpm 4.18+ reads.
 * @packageDocumentation
 */
export { readRpmdbPackages, type StoredRpmdbPackage } from "./from-store.js";
export { type IndexRowSink, indexRows, isTransientRequire } from "./index-rows.js";
export {
  type InstallRpmdbOptions,
  installRpmdb,
  LEGACY_RPMDB_DIR,
  LEGACY_RPMDB_LINK_TARGET,
  RPMDB_DIR,
} from "./install-rpmdb.js";
export { buildInstalledHeader, type InstalledHeader, type InstalledHeaderInput } from "./installed-header.js";
export { MAX_RICH_DEP_KEYS, richDepIndexKeys } from "./rich-dep-names.js";
export { RPMDB_FORMAT, type RpmdbKeyOptions, type RpmdbKeyPackage, rpmdbKey } from "./rpmdb-key.js";
export { INDEX_TABLES, type IndexKeyClass, type IndexTable, RPMDB_FILE_NAME } from "./schema.js";
export { type RpmdbChange, type UpdatedRpmdb, updateRpmdb } from "./update-rpmdb.js";
export {
  buildRpmdb,
  DEFAULT_INSTALL_COLOR,
  type RpmdbPackage,
  type RpmdbStats,
  transactionColor,
  type WriteRpmdbOptions,
  writeDatabaseFile,
  writeRpmdb,
} from "./write-rpmdb.js";
