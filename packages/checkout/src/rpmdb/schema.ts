/**
 * The table layout of rpm's sqlite database (`rpmdb.sqlite`, rpm ≥ 4.16), with the exact SQL rpm 4.18 runs
 * (`lib/backend/sqlite.cc`: `init_table`, `init_index`), so the schema text in `sqlite_master` is rpm's own.
 * @packageDocumentation
 */
import { Tag } from "@grove/rpm/header";

/** Name of the rpmdb file in the database directory. */
export const RPMDB_FILE_NAME = "rpmdb.sqlite";

/** How the key of an index table is stored: TEXT for string tags, BLOB for the others. */
export type IndexKeyClass = "TEXT" | "BLOB";

/** One secondary index table of the rpmdb (rpm's `dbiTags`). */
export interface IndexTable {
  /** Table name (rpm's tag name as `rpmTagGetName` spells it for the dbi). */
  readonly name: string;
  /** The header tag it indexes. */
  readonly tag: number;
  /** Key storage class: `TEXT` when the tag is of the string class, `BLOB` otherwise. */
  readonly keyClass: IndexKeyClass;
  /** rpm creates `<name>_key_idx` for string-class tags. */
  readonly keyIndex: boolean;
  /** rpm creates `<name>_hnum_idx` for array-valued tags. */
  readonly hnumIndex: boolean;
}

function table(name: string, tag: number, keyClass: IndexKeyClass, array: boolean): IndexTable {
  return { name, tag, keyClass, keyIndex: keyClass === "TEXT", hnumIndex: array };
}

/** The 18 index tables in the order rpm 4.18 creates and fills them (`rpmdbNew`'s `dbiTags`). */
export const INDEX_TABLES: readonly IndexTable[] = [
  table("Name", Tag.NAME, "TEXT", false),
  table("Basenames", Tag.BASENAMES, "TEXT", true),
  table("Group", Tag.GROUP, "TEXT", false),
  table("Requirename", Tag.REQUIRENAME, "TEXT", true),
  table("Providename", Tag.PROVIDENAME, "TEXT", true),
  table("Conflictname", Tag.CONFLICTNAME, "TEXT", true),
  table("Obsoletename", Tag.OBSOLETENAME, "TEXT", true),
  table("Triggername", Tag.TRIGGERNAME, "TEXT", true),
  table("Dirnames", Tag.DIRNAMES, "TEXT", true),
  table("Installtid", Tag.INSTALLTID, "BLOB", false),
  table("Sigmd5", Tag.SIGMD5, "BLOB", false),
  table("Sha1header", Tag.SHA1HEADER, "TEXT", false),
  table("Filetriggername", Tag.FILETRIGGERNAME, "TEXT", true),
  table("Transfiletriggername", Tag.TRANSFILETRIGGERNAME, "TEXT", true),
  table("Recommendname", Tag.RECOMMENDNAME, "TEXT", true),
  table("Suggestname", Tag.SUGGESTNAME, "TEXT", true),
  table("Supplementname", Tag.SUPPLEMENTNAME, "TEXT", true),
  table("Enhancename", Tag.ENHANCENAME, "TEXT", true),
];

/** rpm's statement creating the package table (hnum is the header instance number, blob the exported header). */
export const CREATE_PACKAGES_SQL =
  "CREATE TABLE IF NOT EXISTS 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT,blob BLOB NOT NULL)";

/** rpm's statement creating one index table; the key type is literally the quoted word `'TEXT'` or `'BLOB'`. */
export function createIndexTableSql(t: IndexTable): string {
  return (
    `CREATE TABLE IF NOT EXISTS '${t.name}' (key '${t.keyClass}' NOT NULL, hnum INTEGER NOT NULL, ` +
    `idx INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES 'Packages'(hnum))`
  );
}

/** rpm's statements creating the SQL indexes of one index table (key for strings, hnum for arrays). */
export function createIndexSql(t: IndexTable): string[] {
  const out: string[] = [];
  if (t.keyIndex) out.push(`CREATE INDEX IF NOT EXISTS '${t.name}_key_idx' ON '${t.name}'(key ASC)`);
  if (t.hnumIndex) out.push(`CREATE INDEX IF NOT EXISTS '${t.name}_hnum_idx' ON '${t.name}'(hnum ASC)`);
  return out;
}
