import type { RpmPackage } from "../types.js";
import { readDependencies } from "./dependencies.js";
import { readFileDigestAlgorithm, readFiles } from "./files.js";
import type { Header } from "./header.js";
import { headerCorrupt } from "./header-errors.js";
import { readScriptlets } from "./scriptlets.js";
import { Tag, tagName } from "./tags.js";
import { readFileTriggers, readTriggers } from "./triggers.js";

/**
 * True for a source package, decided like rpm: SOURCEPACKAGE present means source, SOURCERPM present means
 * binary; with neither (v3 packages), a source package is one whose files all sit in one unnamed directory.
 */
export function isSourceHeader(header: Header): boolean {
  if (header.has(Tag.SOURCEPACKAGE)) return true;
  if (header.has(Tag.SOURCERPM)) return false;
  const dirNames = header.getRawStrings(Tag.DIRNAMES);
  if (dirNames !== undefined) return dirNames.length === 1 && dirNames[0]?.length === 0;
  const first = header.getRawStrings(Tag.OLDFILENAMES)?.[0];
  return first !== undefined && first[0] !== 0x2f;
}

/**
 * rpm's `%{ARCHSUFFIX}` without the dot: `src` or `nosrc` (NOSOURCE/NOPATCH present) for source packages,
 * the ARCH tag otherwise. This is the architecture part of the package's canonical file name.
 */
export function archSuffix(header: Header): string {
  if (isSourceHeader(header)) return header.has(Tag.NOSOURCE) || header.has(Tag.NOPATCH) ? "nosrc" : "src";
  return header.getString(Tag.ARCH) ?? "";
}

function requiredString(header: Header, tag: number): string {
  const value = header.getString(tag);
  if (value === undefined || value === "")
    throw headerCorrupt(header.subject, `required tag ${tagName(tag)} is missing`);
  return value;
}

/**
 * Builds the typed package description from a main header.
 * @param header - the main header
 * @param source - the file name or stream label, kept in {@link RpmPackage.source}
 * @throws GroveError `RPM_HEADER_CORRUPT` (missing NAME/VERSION/RELEASE, inconsistent arrays),
 *   `RPM_UNSUPPORTED_DIGEST`, `RPM_PATH_TOO_LONG`
 */
export function buildRpmPackage(header: Header, source: string): RpmPackage {
  const name = requiredString(header, Tag.NAME);
  const version = requiredString(header, Tag.VERSION);
  const release = requiredString(header, Tag.RELEASE);
  const epoch = header.getNumber(Tag.EPOCH);
  const isSource = isSourceHeader(header);
  // %{NEVRA} uses the ARCH tag even for source packages; only when it is missing does rpm say "src".
  const arch = header.getString(Tag.ARCH) ?? (isSource ? "src" : "");
  const nevra = `${name}-${epoch === undefined ? "" : `${epoch}:`}${version}-${release}${arch === "" ? "" : `.${arch}`}`;
  return {
    source,
    name,
    epoch,
    version,
    release,
    arch,
    isSource,
    nevra,
    summary: header.getString(Tag.SUMMARY) ?? "",
    description: header.getString(Tag.DESCRIPTION) ?? "",
    license: header.getString(Tag.LICENSE) ?? "",
    url: header.getString(Tag.URL) ?? "",
    sourceRpm: isSource ? "" : (header.getString(Tag.SOURCERPM) ?? ""),
    size: header.getNumber(Tag.LONGSIZE) ?? header.getNumber(Tag.SIZE) ?? 0,
    buildTime: header.getNumber(Tag.BUILDTIME) ?? 0,
    buildHost: header.getString(Tag.BUILDHOST) ?? "",
    vendor: header.getString(Tag.VENDOR) ?? "",
    packager: header.getString(Tag.PACKAGER) ?? "",
    group: header.getString(Tag.GROUP) ?? "",
    payloadCompressor: header.getString(Tag.PAYLOADCOMPRESSOR) ?? "gzip",
    payloadFormat: header.getString(Tag.PAYLOADFORMAT) ?? "cpio",
    dependencies: readDependencies(header),
    files: readFiles(header),
    fileDigestAlgorithm: readFileDigestAlgorithm(header),
    scripts: readScriptlets(header),
    triggers: readTriggers(header),
    fileTriggers: readFileTriggers(header),
  };
}
