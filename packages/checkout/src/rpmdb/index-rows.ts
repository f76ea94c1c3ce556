/**
 * The rows rpm puts into its index tables for one installed header (`tag2index` and `td2key` in lib/rpmdb.c,
 * rpm 4.18).
 * @packageDocumentation
 */
import { type Header, Tag, TagType, tagName } from "@grove/rpm/header";
import { RpmSense } from "@grove/rpm/version";
import { badHeader } from "./errors.js";
import { richDepIndexKeys } from "./rich-dep-names.js";
import type { IndexTable } from "./schema.js";

/** Receives one index row: the key bytes (stored as TEXT or BLOB per table) and the `idx` column. */
export type IndexRowSink = (key: Uint8Array, idx: number) => void;

/** Dependency tags whose rich (`(...)`) values are also indexed under their component names. */
const RICH_INDEXED = new Set<number>([
  Tag.REQUIRENAME,
  Tag.CONFLICTNAME,
  Tag.SUGGESTNAME,
  Tag.SUPPLEMENTNAME,
  Tag.RECOMMENDNAME,
  Tag.ENHANCENAME,
]);

/** The tag holding the `idx` of each file trigger name. */
const TRIGGER_INDEX_TAG: Readonly<Record<number, number>> = {
  [Tag.FILETRIGGERNAME]: Tag.FILETRIGGERINDEX,
  [Tag.TRANSFILETRIGGERNAME]: Tag.TRANSFILETRIGGERINDEX,
};

const INSTALL_ONLY =
  RpmSense.SCRIPT_PRE |
  RpmSense.SCRIPT_POST |
  RpmSense.RPMLIB |
  RpmSense.KEYRING |
  RpmSense.PRETRANS |
  RpmSense.POSTTRANS;
const ERASE_ONLY = RpmSense.SCRIPT_PREUN | RpmSense.SCRIPT_POSTUN;

/**
 * rpm's `isTransientReq`: a requirement needed only while installing (scriptlet, rpmlib, pretrans/posttrans)
 * and not while erasing, and not a meta requirement. rpm leaves these out of the Requirename index.
 */
export function isTransientRequire(flags: number): boolean {
  return (flags & INSTALL_ONLY) !== 0 && (flags & ERASE_ONLY) === 0 && (flags & RpmSense.META) === 0;
}

const UNKNOWN_GROUP = new TextEncoder().encode("Unknown");
const OPEN_PAREN = 0x28;

/**
 * Emits the rows of one index table for one header, in rpm's order: each value of the tag with its array index
 * as `idx` (file triggers: the trigger index), skipping transient requires and repeated trigger names; a rich
 * dependency is followed by its component names with the same `idx`. A missing GROUP is indexed as `Unknown`.
 * String keys are the raw bytes; integer keys are little-endian (rpm stores them in host order); BIN keys whole.
 * I18N strings are indexed by their first (C locale) value.
 * @throws GroveError `CHECKOUT_RPMDB_BAD_HEADER` when a file trigger has no trigger index (rpm would crash)
 */
export function indexRows(header: Header, table: IndexTable, emit: IndexRowSink): void {
  const entry = header.entry(table.tag);
  if (entry === undefined) {
    if (table.tag === Tag.GROUP) emit(UNKNOWN_GROUP, 0);
    return;
  }
  switch (entry.type) {
    case TagType.STRING:
    case TagType.I18NSTRING:
    case TagType.STRING_ARRAY:
      stringRows(header, table, entry.type, emit);
      return;
    default:
      numericRows(header, table.tag, entry.type, entry.count, emit);
  }
}

function stringRows(header: Header, table: IndexTable, type: number, emit: IndexRowSink): void {
  const tag = table.tag;
  let values = header.getRawStrings(tag) as Uint8Array[];
  if (type !== TagType.STRING_ARRAY) values = values.slice(0, 1);
  const requireFlags = tag === Tag.REQUIRENAME ? header.getNumbers(Tag.REQUIREFLAGS) : undefined;
  const triggerIndexTag = TRIGGER_INDEX_TAG[tag];
  const triggerIndex = triggerIndexTag === undefined ? undefined : header.getNumbers(triggerIndexTag);
  const richIndexed = type === TagType.STRING_ARRAY && RICH_INDEXED.has(tag);

  for (let i = 0; i < values.length; i++) {
    const key = values[i] as Uint8Array;
    let idx = i;
    if (triggerIndexTag !== undefined) {
      const value = triggerIndex?.[i];
      if (value === undefined) {
        throw badHeader(header.subject, `${tagName(tag)} value ${i} has no ${tagName(triggerIndexTag)} entry`);
      }
      idx = value;
    }
    if (requireFlags !== undefined) {
      const flags = requireFlags[i];
      if (flags !== undefined && isTransientRequire(flags)) continue;
    }
    if (tag === Tag.TRIGGERNAME && values.slice(0, i).some((earlier) => bytesEqual(earlier, key))) continue;

    emit(key, idx);
    if (richIndexed && key[0] === OPEN_PAREN) {
      for (const name of richDepIndexKeys(latin1(key), header.subject)) emit(fromLatin1(name), idx);
    }
  }
}

function numericRows(header: Header, tag: number, type: number, count: number, emit: IndexRowSink): void {
  const raw = header.getRawData(tag) as Uint8Array;
  if (type === TagType.BIN) {
    emit(raw, 0);
    return;
  }
  const size = type === TagType.INT16 ? 2 : type === TagType.INT32 ? 4 : type === TagType.INT64 ? 8 : 1;
  for (let i = 0; i < count; i++) {
    // Header data is big-endian; rpm's keys are host order (little-endian on every arch grove targets).
    emit(raw.slice(i * size, (i + 1) * size).reverse(), i);
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function fromLatin1(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}
