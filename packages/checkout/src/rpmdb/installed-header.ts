/**
 * The header rpm stores for an installed package: the package's main header region byte for byte, plus the
 * entries rpm adds while installing it.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { HEADER_MAGIC, type Header, isSourceHeader, parseHeaderBlob, Tag, TagType } from "@grove/rpm/header";
import { appendDribbles, type Dribble, stringDribble, uint32Dribble } from "./dribble.js";
import { badInput, unsupportedHeader } from "./errors.js";
import { mergedSignatureTags } from "./signature-merge.js";

/** What one installed package is made of. */
export interface InstalledHeaderInput {
  /** The main header exactly as in the package file: 16-byte intro (magic, il, dl), index, data. */
  headerBytes: Uint8Array;
  /**
   * The signature header exactly as in the package file (16-byte intro, index, data; no padding). With it the
   * installed header gets rpm's merged signature tags (SIGMD5, SHA1HEADER, SHA256HEADER, RSAHEADER, ...) and is
   * byte-identical to what rpm writes. Without it, SHA1HEADER and SHA256HEADER are computed from the header
   * (what every v4 package's signature header carries) and the signature-only tags are missing.
   */
  signatureBytes?: Uint8Array;
  /** Seconds since the epoch stored as INSTALLTIME. */
  installTime: number;
  /** Transaction id stored as INSTALLTID (rpm uses the transaction's start time). */
  installTid: number;
  /** Transaction color stored as INSTALLCOLOR (rpm's `%_transaction_color`: 3 on 64-bit multilib arches). */
  installColor: number;
  /** One rpm file state per file (0 = normal, 1 replaced, 2 not installed, 3 net shared, 4 wrong color). */
  fileStates?: Uint8Array;
  /** The package in messages. */
  subject: string;
}

/** The installed header: the exported blob and its parsed form (for the index tables). */
export interface InstalledHeader {
  /** The blob for the `Packages` table (`il`, `dl`, index, data; no magic). */
  blob: Uint8Array;
  /** `blob` parsed. */
  header: Header;
}

/**
 * Builds the header rpm 4.18 stores when it installs a package (`rpmReadPackageFile` + `getFiles` + `dbAdd` +
 * `headerExport`): the main header's immutable region unchanged, then, sorted by tag, the signature tags
 * (`headerMergeLegacySigs`), SOURCERPM `(none)` when a binary package lacks it (`applyRetrofits`), INSTPREFIXES
 * copied from PREFIXES (`addPrefixes`), FILESTATES, INSTALLTID, INSTALLTIME and INSTALLCOLOR.
 * @throws GroveError `CHECKOUT_RPMDB_UNSUPPORTED_HEADER` for v3 headers (no immutable region), headers with an
 *   uncompressed file list, source packages and signature tags rpm rejects; `CHECKOUT_RPMDB_BAD_INPUT` for file
 *   states that do not match the file count or out-of-range times; `RPM_*` for a corrupt header
 */
export function buildInstalledHeader(input: InstalledHeaderInput): InstalledHeader {
  const { subject } = input;
  const main = parseMainHeader(input.headerBytes, subject);
  const dribbles: Dribble[] = [];

  if (input.signatureBytes !== undefined) {
    const signature = parseSignatureHeader(input.signatureBytes, subject);
    dribbles.push(...mergedSignatureTags(main, signature, subject));
  } else if (!main.has(Tag.SHA1HEADER) && !main.has(Tag.SHA256HEADER)) {
    dribbles.push(stringDribble(Tag.SHA1HEADER, hexDigest("sha1", input.headerBytes)));
    dribbles.push(stringDribble(Tag.SHA256HEADER, hexDigest("sha256", input.headerBytes)));
  }

  if (!main.has(Tag.SOURCERPM) && !main.has(Tag.SOURCEPACKAGE)) {
    dribbles.push(stringDribble(Tag.SOURCERPM, "(none)"));
  }

  const fileCount = main.count(Tag.BASENAMES);
  if (fileCount > 0 && main.count(Tag.PREFIXES) > 0 && !main.has(Tag.INSTPREFIXES)) {
    const prefixes = main.getRawData(Tag.PREFIXES) as Uint8Array;
    dribbles.push({
      tag: Tag.INSTPREFIXES,
      type: TagType.STRING_ARRAY,
      count: main.count(Tag.PREFIXES),
      data: prefixes,
    });
  }

  if (fileCount > 0) {
    const states = input.fileStates ?? new Uint8Array(fileCount);
    if (states.length !== fileCount) {
      throw badInput(subject, `${states.length} file states given for ${fileCount} files`);
    }
    dribbles.push({ tag: Tag.FILESTATES, type: TagType.CHAR, count: fileCount, data: states });
  } else if (input.fileStates !== undefined && input.fileStates.length > 0) {
    throw badInput(subject, `${input.fileStates.length} file states given for a package without files`);
  }

  dribbles.push(uint32Dribble(Tag.INSTALLTID, checkUint32(input.installTid, "installTid", subject)));
  dribbles.push(uint32Dribble(Tag.INSTALLTIME, checkUint32(input.installTime, "installTime", subject)));
  dribbles.push(uint32Dribble(Tag.INSTALLCOLOR, checkUint32(input.installColor, "installColor", subject)));

  const region = main.region;
  if (region === undefined) throw new Error("unreachable: checked in parseMainHeader");
  const blob = appendDribbles(main.blob, region, dribbles);
  // Parse the result with rpm's rules: a self-check that the blob is what rpm will accept.
  const header = parseHeaderBlob(blob, { subject, kind: "header", exactRegion: false });
  return { blob, header };
}

function parseMainHeader(headerBytes: Uint8Array, subject: string): Header {
  checkMagic(headerBytes, subject, "header");
  const main = parseHeaderBlob(headerBytes.subarray(8), { subject, kind: "header" });
  if (main.region === undefined) {
    throw unsupportedHeader(
      subject,
      "the header has no immutable region (an RPM v3 package): rpm rewrites such headers when it installs them",
      "rebuild the package with a current rpmbuild",
    );
  }
  if (main.has(Tag.OLDFILENAMES)) {
    throw unsupportedHeader(
      subject,
      "the header lists files in OLDFILENAMES (built with --nodirtokens): rpm rewrites such headers when it installs them",
      "rebuild the package with a current rpmbuild",
    );
  }
  if (isSourceHeader(main)) {
    throw unsupportedHeader(subject, "is a source package: rpm never records source packages in its database");
  }
  return main;
}

function parseSignatureHeader(signatureBytes: Uint8Array, subject: string): Header {
  checkMagic(signatureBytes, subject, "signature header");
  return parseHeaderBlob(signatureBytes.subarray(8), { subject, kind: "signature" });
}

function checkMagic(bytes: Uint8Array, subject: string, what: string): void {
  const ok = bytes.length >= 16 && HEADER_MAGIC.every((b, i) => bytes[i] === b);
  if (!ok) {
    throw badInput(subject, `the ${what} bytes do not start with the header magic 8e ad e8 01 00 00 00 00`);
  }
}

function checkUint32(value: number, what: string, subject: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw badInput(subject, `${what} ${value} is not an unsigned 32-bit integer`);
  }
  return value;
}

function hexDigest(algorithm: "sha1" | "sha256", bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest("hex");
}
