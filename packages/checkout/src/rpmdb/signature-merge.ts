/**
 * The signature-header tags rpm copies into the installed header (`headerMergeLegacySigs`, lib/package.c in
 * rpm 4.18), renumbered to their main-header tags.
 * @packageDocumentation
 */
import { type Header, SigTag, Tag, TagType, tagName } from "@grove/rpm/header";
import type { Dribble } from "./dribble.js";
import { unsupportedHeader } from "./errors.js";

interface SignatureTagMapping {
  /** Tag in the signature header. */
  readonly sigTag: number;
  /** Tag in the installed header. */
  readonly tag: number;
  /** The type rpm declares for `tag`; a signature entry of another type makes rpm refuse the package. */
  readonly type: number;
  /** Required value count, 0 for any. */
  readonly count: number;
  /** The tag may exist in either header (never both); when only the main header has it, it is kept as is. */
  readonly eitherHeader: boolean;
}

function map(sigTag: number, tag: number, type: number, count: number, eitherHeader = false): SignatureTagMapping {
  return { sigTag, tag, type, count, eitherHeader };
}

/** rpm 4.18's `xlateTags`, in its order. */
const SIGNATURE_TAGS: readonly SignatureTagMapping[] = [
  map(SigTag.SIZE, Tag.SIGSIZE, TagType.INT32, 1),
  map(SigTag.PGP, Tag.SIGPGP, TagType.BIN, 0),
  map(SigTag.MD5, Tag.SIGMD5, TagType.BIN, 16),
  map(SigTag.GPG, Tag.SIGGPG, TagType.BIN, 0),
  map(SigTag.PAYLOADSIZE, Tag.ARCHIVESIZE, TagType.INT32, 1, true),
  map(SigTag.FILESIGNATURES, Tag.FILESIGNATURES, TagType.STRING_ARRAY, 0, true),
  map(SigTag.FILESIGNATURELENGTH, Tag.FILESIGNATURELENGTH, TagType.INT32, 1, true),
  map(SigTag.VERITYSIGNATURES, Tag.VERITYSIGNATURES, TagType.STRING_ARRAY, 0),
  map(SigTag.VERITYSIGNATUREALGO, Tag.VERITYSIGNATUREALGO, TagType.INT32, 1),
  map(SigTag.SHA1, Tag.SHA1HEADER, TagType.STRING, 1),
  map(SigTag.SHA256, Tag.SHA256HEADER, TagType.STRING, 1),
  map(SigTag.DSA, Tag.DSAHEADER, TagType.BIN, 0),
  map(SigTag.RSA, Tag.RSAHEADER, TagType.BIN, 0),
  map(SigTag.LONGSIZE, Tag.LONGSIGSIZE, TagType.INT64, 1),
  map(SigTag.LONGARCHIVESIZE, Tag.LONGARCHIVESIZE, TagType.INT64, 1),
];

/** rpm's sanity limit on the value count of a merged tag. */
const MAX_MERGED_COUNT = 16 * 1024 * 1024;

/**
 * The entries rpm adds to an installed header from the package's signature header, exactly as rpm 4.18's
 * `headerMergeLegacySigs` does: each known signature tag present is copied (data bytes unchanged) under its
 * main-header number. Where rpm would refuse the package ("invalid signature tag"), this throws.
 * @param header - the package's main header
 * @param signature - the package's signature header
 * @param subject - the package, for messages
 * @throws GroveError `CHECKOUT_RPMDB_UNSUPPORTED_HEADER`
 */
export function mergedSignatureTags(header: Header, signature: Header, subject: string): Dribble[] {
  for (const m of SIGNATURE_TAGS) {
    if (!header.has(m.tag)) continue;
    if (m.eitherHeader && !signature.has(m.sigTag)) continue;
    throw invalid(subject, m.tag, "is in both the signature header and the main header");
  }
  const out: Dribble[] = [];
  for (const m of SIGNATURE_TAGS) {
    const entry = signature.entry(m.sigTag);
    if (entry === undefined) continue;
    if (entry.type !== m.type) throw invalid(subject, m.tag, `has type ${entry.type}, expected ${m.type}`);
    if (entry.count < 1 || entry.count > MAX_MERGED_COUNT) {
      throw invalid(subject, m.tag, `has ${entry.count} values`);
    }
    if (m.count !== 0 && entry.count !== m.count) {
      throw invalid(subject, m.tag, `has ${entry.count} values, expected ${m.count}`);
    }
    const data = signature.getRawData(m.sigTag) as Uint8Array;
    out.push({ tag: m.tag, type: entry.type, count: entry.count, data });
  }
  return out;
}

function invalid(subject: string, tag: number, what: string) {
  return unsupportedHeader(
    subject,
    `invalid signature tag ${tagName(tag)}: it ${what} (rpm refuses to install such a package)`,
  );
}
