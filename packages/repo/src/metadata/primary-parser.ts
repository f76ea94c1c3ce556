import { RpmSense } from "@grove/rpm/version";
import { RepoErrorCode, repoError } from "../errors.js";
import { hashAlgorithm } from "../fetch/checksum.js";
import { comparisonFlags, formatEvr } from "../model/dep-flags.js";
import { DepKindIndex, FileKind, type PackageTable } from "../model/package-table.js";
import { type PackageFields, PackageTableBuilder } from "../model/package-table-builder.js";
import { sampleHash } from "../model/string-table.js";
import { type XmlAttributes, type XmlHandler, XmlTokenizer } from "./xml-tokenizer.js";

/** Slots of the EVR memo. */
const EVR_MEMO_SIZE = 1 << 14;

// Parser states (what the element on top of the stack is).
const ROOT = 0;
const METADATA = 1;
const PACKAGE = 2;
const FORMAT = 3;
const DEPS = 4;
const LEAF = 5;
const SKIP = 6;

// What the text of the current LEAF element is for.
const T_NONE = 0;
const T_NAME = 1;
const T_ARCH = 2;
const T_CHECKSUM = 3;
const T_SUMMARY = 4;
const T_SOURCERPM = 5;
const T_FILE = 6;

const DEP_ELEMENTS: Readonly<Record<string, number>> = {
  "rpm:provides": DepKindIndex.provides,
  "rpm:requires": DepKindIndex.requires,
  "rpm:conflicts": DepKindIndex.conflicts,
  "rpm:obsoletes": DepKindIndex.obsoletes,
  "rpm:recommends": DepKindIndex.recommends,
  "rpm:suggests": DepKindIndex.suggests,
  "rpm:supplements": DepKindIndex.supplements,
  "rpm:enhances": DepKindIndex.enhances,
};

/** A primary.xml parser in progress: feed `parser` with {@link feedXml}, then call `finish()`. */
export interface PrimaryParse {
  /** The tokenizer to feed. */
  parser: XmlTokenizer;
  /** The handler building the table (to drive it from another tokenizer, e.g. in tests). */
  handler: XmlHandler;
  /** The table of every package parsed (call after the whole file was fed). */
  finish(): PackageTable;
}

/**
 * Create a streaming primary.xml parser. It keeps only the package records (as a compact
 * {@link PackageTable}); descriptions, changelogs and unknown elements are skipped as they stream by.
 * Unknown elements are ignored together with everything inside them, as libsolv does.
 *
 * @param repoId - repository id for messages
 * @param url - the file's URL for messages
 * @throws GroveError `REPO_BAD_METADATA` (from the handlers) when the root is not `<metadata>` or a package
 *   lacks its name, arch, version, checksum or location, or has a malformed epoch or flags
 */
export function createPrimaryParser(repoId: string, url: string): PrimaryParse {
  const builder = new PackageTableBuilder();
  const strings = builder.strings;
  const texts = builder.texts;
  const stack: number[] = [ROOT];
  let top = ROOT;
  let target = T_NONE;
  let text = "";
  let depKind = 0;
  let fileKind = 0;
  let ordinal = 0;
  // Checksum type and arch repeat from package to package: reuse the last id instead of interning again.
  let lastChecksumType = "";
  let lastChecksumTypeId = 0;
  let lastArch = "";
  let lastArchId = 0;
  let pkg = emptyFields();
  let seen = 0; // bit set of required fields found
  const HAS_NAME = 1;
  const HAS_ARCH = 2;
  const HAS_VERSION = 4;
  const HAS_CHECKSUM = 8;
  const HAS_LOCATION = 16;

  // EVR ids by epoch, version and release in a direct-mapped memo: dependencies repeat the same
  // epoch:version-release a lot, and the tokenizer hands out one string per repeated short value, so a
  // hit costs a few pointer comparisons instead of a concatenation and a Map lookup.
  const evrEpoch: Array<string | undefined> = new Array(EVR_MEMO_SIZE);
  const evrVer: Array<string | undefined> = new Array(EVR_MEMO_SIZE);
  const evrRel: Array<string | undefined> = new Array(EVR_MEMO_SIZE);
  const evrIds = new Int32Array(EVR_MEMO_SIZE).fill(-1);
  const evrId = (epoch: string | undefined, ver: string | undefined, rel: string | undefined): number => {
    const slot = (Math.imul(sampleHash(ver), 31) + sampleHash(rel) + sampleHash(epoch)) & (EVR_MEMO_SIZE - 1);
    const known = evrIds[slot] as number;
    if (known >= 0 && evrVer[slot] === ver && evrRel[slot] === rel && evrEpoch[slot] === epoch) return known;
    const id = strings.intern(formatEvr(epoch, ver, rel));
    evrEpoch[slot] = epoch;
    evrVer[slot] = ver;
    evrRel[slot] = rel;
    evrIds[slot] = id;
    return id;
  };
  const fail = (what: string): never => {
    const label = pkg.name === 0 ? `package #${ordinal}` : `package "${strings.get(pkg.name)}" (#${ordinal})`;
    throw repoError(RepoErrorCode.badMetadata, repoId, url, `${label}: ${what}`);
  };
  const push = (state: number): void => {
    stack.push(state);
    top = state;
  };
  // Returns whether the leaf's text is wanted: the tokenizer then decodes it (and only then).
  const leaf = (t: number): boolean => {
    target = t;
    text = "";
    push(LEAF);
    return t !== T_NONE;
  };

  const openTag = (name: string, attrs: XmlAttributes): boolean => {
    switch (top) {
      case SKIP:
      case LEAF:
        push(SKIP);
        return false;
      case ROOT:
        if (name !== "metadata") {
          throw repoError(RepoErrorCode.badMetadata, repoId, url, `not a primary.xml: the root element is <${name}>`);
        }
        push(METADATA);
        return false;
      case METADATA:
        if (name !== "package") {
          push(SKIP);
          return false;
        }
        ordinal++;
        pkg = emptyFields();
        seen = 0;
        push(PACKAGE);
        return false;
      case PACKAGE: {
        switch (name) {
          case "name":
            seen |= HAS_NAME;
            return leaf(T_NAME);
          case "arch":
            seen |= HAS_ARCH;
            return leaf(T_ARCH);
          case "checksum": {
            const type = attrs.get("type") ?? "";
            if (type !== lastChecksumType) {
              if (hashAlgorithm(type) === undefined) fail(`unknown checksum type "${type}"`);
              lastChecksumType = type;
              lastChecksumTypeId = strings.intern(type);
            }
            pkg.checksumType = lastChecksumTypeId;
            seen |= HAS_CHECKSUM;
            return leaf(T_CHECKSUM);
          }
          case "summary":
            return leaf(T_SUMMARY);
          case "version":
            pkg.epoch = parseEpoch(attrs.get("epoch"), fail);
            pkg.version = strings.intern(attrs.get("ver") ?? "");
            pkg.release = strings.intern(attrs.get("rel") ?? "");
            seen |= HAS_VERSION;
            return leaf(T_NONE);
          case "time":
            pkg.fileTime = parseNumber(attrs.get("file"));
            pkg.buildTime = parseNumber(attrs.get("build"));
            return leaf(T_NONE);
          case "size":
            pkg.packageSize = parseNumber(attrs.get("package"));
            pkg.installedSize = parseNumber(attrs.get("installed"));
            return leaf(T_NONE);
          case "location": {
            const href = attrs.get("href");
            if (href === undefined || href === "") fail("<location> has no href");
            pkg.href = texts.add(href as string);
            const base = attrs.get("xml:base");
            pkg.base = base === undefined || base === "" ? 0 : strings.intern(base);
            seen |= HAS_LOCATION;
            return leaf(T_NONE);
          }
          case "format":
            push(FORMAT);
            return false;
          default:
            push(SKIP);
            return false;
        }
      }
      case FORMAT: {
        const kind = DEP_ELEMENTS[name];
        if (kind !== undefined) {
          depKind = kind;
          push(DEPS);
          return false;
        }
        if (name === "file") {
          const type = attrs.get("type");
          fileKind = type === "dir" ? FileKind.dir : type === "ghost" ? FileKind.ghost : FileKind.file;
          return leaf(T_FILE);
        }
        if (name === "rpm:sourcerpm") return leaf(T_SOURCERPM);
        push(SKIP);
        return false;
      }
      case DEPS: {
        if (name !== "rpm:entry") {
          push(SKIP);
          return false;
        }
        const depName = attrs.get("name");
        if (depName === undefined || depName === "") fail("an <rpm:entry> has no name");
        let flags = 0;
        const word = attrs.get("flags");
        if (word !== undefined && word !== "") {
          const bits = comparisonFlags(word);
          if (bits === undefined) fail(`dependency "${depName}" has unknown flags "${word}"`);
          flags = bits as number;
        }
        if (attrs.get("pre") === "1" || attrs.get("pre") === "true") flags |= RpmSense.PREREQ;
        const ver = attrs.get("ver");
        const evr = flags === 0 && ver === undefined ? 0 : evrId(attrs.get("epoch"), ver, attrs.get("rel"));
        builder.addDependency(depKind, strings.intern(depName as string), flags, evr);
        return leaf(T_NONE);
      }
    }
    return false;
  };

  const closeTag = (): void => {
    const state = stack.pop() as number;
    top = stack[stack.length - 1] as number;
    if (state === LEAF) {
      switch (target) {
        case T_NAME:
          pkg.name = strings.intern(text.trim());
          break;
        case T_ARCH: {
          const arch = text.trim();
          if (arch !== lastArch || lastArchId === 0) {
            lastArch = arch;
            lastArchId = strings.intern(arch);
          }
          pkg.arch = lastArchId;
          break;
        }
        case T_CHECKSUM:
          pkg.checksum = texts.add(text.trim().toLowerCase());
          break;
        case T_SUMMARY:
          pkg.summary = texts.add(text);
          break;
        case T_SOURCERPM:
          pkg.sourceRpm = strings.intern(text.trim());
          break;
        case T_FILE:
          builder.addFile(strings.intern(text.trim()), fileKind);
          break;
      }
      target = T_NONE;
      text = "";
    } else if (state === PACKAGE) {
      if ((seen & HAS_NAME) === 0 || pkg.name === 0) fail("no <name>");
      if ((seen & HAS_ARCH) === 0 || pkg.arch === 0) fail("no <arch>");
      if ((seen & HAS_VERSION) === 0) fail("no <version>");
      if ((seen & HAS_CHECKSUM) === 0 || pkg.checksum === 0) fail("no <checksum> (the package id)");
      if ((seen & HAS_LOCATION) === 0) fail("no <location>");
      builder.endPackage(pkg);
    }
  };

  const handler: XmlHandler = {
    openTag,
    text: (t) => {
      if (top === LEAF) text += t;
    },
    closeTag,
  };
  return { parser: new XmlTokenizer(handler), handler, finish: () => builder.finish() };
}

function emptyFields(): PackageFields {
  return {
    name: 0,
    arch: 0,
    epoch: 0,
    version: 0,
    release: 0,
    checksumType: 0,
    checksum: 0,
    href: 0,
    base: 0,
    summary: 0,
    sourceRpm: 0,
    packageSize: 0,
    installedSize: 0,
    buildTime: 0,
    fileTime: 0,
  };
}

function parseEpoch(value: string | undefined, fail: (what: string) => never): number {
  if (value === undefined || value === "") return 0;
  if (!/^\d{1,9}$/.test(value)) fail(`malformed epoch "${value}"`);
  return Number(value);
}

function parseNumber(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
