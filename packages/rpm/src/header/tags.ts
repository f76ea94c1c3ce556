/**
 * Tag numbers and data types of RPM headers (from rpm's `include/rpm/rpmtag.h`).
 * @packageDocumentation
 */

/** The data types of header entries (`rpmTagType`). */
export const TagType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** One of the {@link TagType} values. */
export type TagTypeValue = (typeof TagType)[keyof typeof TagType];

/** Short type codes used in the table below, as in the comments of rpmtag.h. */
type TypeCode = "c[]" | "h[]" | "i" | "i[]" | "l" | "l[]" | "s" | "s[]" | "s{}" | "x" | "-";

/**
 * Every tag grove knows, with its number and the type rpm declares for it
 * (`-` = internal, extension-only or obsolete: not type-checked).
 */
const TAG_TABLE = {
  HEADERIMAGE: [61, "-"],
  HEADERSIGNATURES: [62, "-"],
  HEADERIMMUTABLE: [63, "-"],
  HEADERREGIONS: [64, "-"],
  HEADERI18NTABLE: [100, "s[]"],
  SIGSIZE: [257, "i"],
  SIGLEMD5_1: [258, "-"],
  SIGPGP: [259, "x"],
  SIGLEMD5_2: [260, "-"],
  SIGMD5: [261, "x"],
  SIGGPG: [262, "x"],
  SIGPGP5: [263, "-"],
  BADSHA1_1: [264, "-"],
  BADSHA1_2: [265, "-"],
  PUBKEYS: [266, "s[]"],
  DSAHEADER: [267, "x"],
  RSAHEADER: [268, "x"],
  SHA1HEADER: [269, "s"],
  LONGSIGSIZE: [270, "l"],
  LONGARCHIVESIZE: [271, "l"],
  SHA256HEADER: [273, "s"],
  VERITYSIGNATURES: [276, "s[]"],
  VERITYSIGNATUREALGO: [277, "i"],
  OPENPGP: [278, "s[]"],
  SHA3_256HEADER: [279, "s"],
  NAME: [1000, "s"],
  VERSION: [1001, "s"],
  RELEASE: [1002, "s"],
  EPOCH: [1003, "i"],
  SUMMARY: [1004, "s{}"],
  DESCRIPTION: [1005, "s{}"],
  BUILDTIME: [1006, "i"],
  BUILDHOST: [1007, "s"],
  INSTALLTIME: [1008, "i"],
  SIZE: [1009, "i"],
  DISTRIBUTION: [1010, "s"],
  VENDOR: [1011, "s"],
  GIF: [1012, "x"],
  XPM: [1013, "x"],
  LICENSE: [1014, "s"],
  PACKAGER: [1015, "s"],
  GROUP: [1016, "s{}"],
  CHANGELOG: [1017, "-"],
  SOURCE: [1018, "s[]"],
  PATCH: [1019, "s[]"],
  URL: [1020, "s"],
  OS: [1021, "s"],
  ARCH: [1022, "s"],
  PREIN: [1023, "s"],
  POSTIN: [1024, "s"],
  PREUN: [1025, "s"],
  POSTUN: [1026, "s"],
  OLDFILENAMES: [1027, "s[]"],
  FILESIZES: [1028, "i[]"],
  FILESTATES: [1029, "c[]"],
  FILEMODES: [1030, "h[]"],
  FILEUIDS: [1031, "-"],
  FILEGIDS: [1032, "-"],
  FILERDEVS: [1033, "h[]"],
  FILEMTIMES: [1034, "i[]"],
  FILEDIGESTS: [1035, "s[]"],
  FILELINKTOS: [1036, "s[]"],
  FILEFLAGS: [1037, "i[]"],
  ROOT: [1038, "-"],
  FILEUSERNAME: [1039, "s[]"],
  FILEGROUPNAME: [1040, "s[]"],
  EXCLUDE: [1041, "-"],
  EXCLUSIVE: [1042, "-"],
  ICON: [1043, "x"],
  SOURCERPM: [1044, "s"],
  FILEVERIFYFLAGS: [1045, "i[]"],
  ARCHIVESIZE: [1046, "i"],
  PROVIDENAME: [1047, "s[]"],
  REQUIREFLAGS: [1048, "i[]"],
  REQUIRENAME: [1049, "s[]"],
  REQUIREVERSION: [1050, "s[]"],
  NOSOURCE: [1051, "i[]"],
  NOPATCH: [1052, "i[]"],
  CONFLICTFLAGS: [1053, "i[]"],
  CONFLICTNAME: [1054, "s[]"],
  CONFLICTVERSION: [1055, "s[]"],
  DEFAULTPREFIX: [1056, "s"],
  BUILDROOT: [1057, "s"],
  INSTALLPREFIX: [1058, "s"],
  EXCLUDEARCH: [1059, "s[]"],
  EXCLUDEOS: [1060, "s[]"],
  EXCLUSIVEARCH: [1061, "s[]"],
  EXCLUSIVEOS: [1062, "s[]"],
  AUTOREQPROV: [1063, "s"],
  RPMVERSION: [1064, "s"],
  TRIGGERSCRIPTS: [1065, "s[]"],
  TRIGGERNAME: [1066, "s[]"],
  TRIGGERVERSION: [1067, "s[]"],
  TRIGGERFLAGS: [1068, "i[]"],
  TRIGGERINDEX: [1069, "i[]"],
  VERIFYSCRIPT: [1079, "s"],
  CHANGELOGTIME: [1080, "i[]"],
  CHANGELOGNAME: [1081, "s[]"],
  CHANGELOGTEXT: [1082, "s[]"],
  BROKENMD5: [1083, "-"],
  PREREQ: [1084, "-"],
  PREINPROG: [1085, "s[]"],
  POSTINPROG: [1086, "s[]"],
  PREUNPROG: [1087, "s[]"],
  POSTUNPROG: [1088, "s[]"],
  BUILDARCHS: [1089, "s[]"],
  OBSOLETENAME: [1090, "s[]"],
  VERIFYSCRIPTPROG: [1091, "s[]"],
  TRIGGERSCRIPTPROG: [1092, "s[]"],
  DOCDIR: [1093, "-"],
  COOKIE: [1094, "s"],
  FILEDEVICES: [1095, "i[]"],
  FILEINODES: [1096, "i[]"],
  FILELANGS: [1097, "s[]"],
  PREFIXES: [1098, "s[]"],
  INSTPREFIXES: [1099, "s[]"],
  TRIGGERIN: [1100, "-"],
  TRIGGERUN: [1101, "-"],
  TRIGGERPOSTUN: [1102, "-"],
  AUTOREQ: [1103, "-"],
  AUTOPROV: [1104, "-"],
  CAPABILITY: [1105, "-"],
  SOURCEPACKAGE: [1106, "i"],
  OLDORIGFILENAMES: [1107, "-"],
  BUILDPREREQ: [1108, "-"],
  BUILDREQUIRES: [1109, "-"],
  BUILDCONFLICTS: [1110, "-"],
  BUILDMACROS: [1111, "-"],
  PROVIDEFLAGS: [1112, "i[]"],
  PROVIDEVERSION: [1113, "s[]"],
  OBSOLETEFLAGS: [1114, "i[]"],
  OBSOLETEVERSION: [1115, "s[]"],
  DIRINDEXES: [1116, "i[]"],
  BASENAMES: [1117, "s[]"],
  DIRNAMES: [1118, "s[]"],
  ORIGDIRINDEXES: [1119, "i[]"],
  ORIGBASENAMES: [1120, "s[]"],
  ORIGDIRNAMES: [1121, "s[]"],
  OPTFLAGS: [1122, "s"],
  DISTURL: [1123, "s"],
  PAYLOADFORMAT: [1124, "s"],
  PAYLOADCOMPRESSOR: [1125, "s"],
  PAYLOADFLAGS: [1126, "s"],
  INSTALLCOLOR: [1127, "i"],
  INSTALLTID: [1128, "i"],
  REMOVETID: [1129, "i"],
  SHA1RHN: [1130, "-"],
  RHNPLATFORM: [1131, "s"],
  PLATFORM: [1132, "s"],
  PATCHESNAME: [1133, "s[]"],
  PATCHESFLAGS: [1134, "i[]"],
  PATCHESVERSION: [1135, "s[]"],
  CACHECTIME: [1136, "i"],
  CACHEPKGPATH: [1137, "s"],
  CACHEPKGSIZE: [1138, "i"],
  CACHEPKGMTIME: [1139, "i"],
  FILECOLORS: [1140, "i[]"],
  FILECLASS: [1141, "i[]"],
  CLASSDICT: [1142, "s[]"],
  FILEDEPENDSX: [1143, "i[]"],
  FILEDEPENDSN: [1144, "i[]"],
  DEPENDSDICT: [1145, "i[]"],
  SOURCESIGMD5: [1146, "x"],
  FILECONTEXTS: [1147, "s[]"],
  FSCONTEXTS: [1148, "s[]"],
  RECONTEXTS: [1149, "s[]"],
  POLICIES: [1150, "s[]"],
  PRETRANS: [1151, "s"],
  POSTTRANS: [1152, "s"],
  PRETRANSPROG: [1153, "s[]"],
  POSTTRANSPROG: [1154, "s[]"],
  DISTTAG: [1155, "s"],
  OLDSUGGESTSNAME: [1156, "s[]"],
  OLDSUGGESTSVERSION: [1157, "s[]"],
  OLDSUGGESTSFLAGS: [1158, "i[]"],
  OLDENHANCESNAME: [1159, "s[]"],
  OLDENHANCESVERSION: [1160, "s[]"],
  OLDENHANCESFLAGS: [1161, "i[]"],
  TRIGGERPREIN: [1171, "-"],
  DBINSTANCE: [1195, "i"],
  NVRA: [1196, "s"],
  FILENAMES: [5000, "-"],
  LONGFILESIZES: [5008, "l[]"],
  LONGSIZE: [5009, "l"],
  FILECAPS: [5010, "s[]"],
  FILEDIGESTALGO: [5011, "i"],
  BUGURL: [5012, "s"],
  PREINFLAGS: [5020, "i"],
  POSTINFLAGS: [5021, "i"],
  PREUNFLAGS: [5022, "i"],
  POSTUNFLAGS: [5023, "i"],
  PRETRANSFLAGS: [5024, "i"],
  POSTTRANSFLAGS: [5025, "i"],
  VERIFYSCRIPTFLAGS: [5026, "i"],
  TRIGGERSCRIPTFLAGS: [5027, "i[]"],
  COLLECTIONS: [5029, "s[]"],
  POLICYNAMES: [5030, "s[]"],
  POLICYTYPES: [5031, "s[]"],
  POLICYTYPESINDEXES: [5032, "i[]"],
  POLICYFLAGS: [5033, "i[]"],
  VCS: [5034, "s"],
  ORDERNAME: [5035, "s[]"],
  ORDERVERSION: [5036, "s[]"],
  ORDERFLAGS: [5037, "i[]"],
  RECOMMENDNAME: [5046, "s[]"],
  RECOMMENDVERSION: [5047, "s[]"],
  RECOMMENDFLAGS: [5048, "i[]"],
  SUGGESTNAME: [5049, "s[]"],
  SUGGESTVERSION: [5050, "s[]"],
  SUGGESTFLAGS: [5051, "i[]"],
  SUPPLEMENTNAME: [5052, "s[]"],
  SUPPLEMENTVERSION: [5053, "s[]"],
  SUPPLEMENTFLAGS: [5054, "i[]"],
  ENHANCENAME: [5055, "s[]"],
  ENHANCEVERSION: [5056, "s[]"],
  ENHANCEFLAGS: [5057, "i[]"],
  ENCODING: [5062, "s"],
  FILETRIGGERIN: [5063, "-"],
  FILETRIGGERUN: [5064, "-"],
  FILETRIGGERPOSTUN: [5065, "-"],
  FILETRIGGERSCRIPTS: [5066, "s[]"],
  FILETRIGGERSCRIPTPROG: [5067, "s[]"],
  FILETRIGGERSCRIPTFLAGS: [5068, "i[]"],
  FILETRIGGERNAME: [5069, "s[]"],
  FILETRIGGERINDEX: [5070, "i[]"],
  FILETRIGGERVERSION: [5071, "s[]"],
  FILETRIGGERFLAGS: [5072, "i[]"],
  TRANSFILETRIGGERIN: [5073, "-"],
  TRANSFILETRIGGERUN: [5074, "-"],
  TRANSFILETRIGGERPOSTUN: [5075, "-"],
  TRANSFILETRIGGERSCRIPTS: [5076, "s[]"],
  TRANSFILETRIGGERSCRIPTPROG: [5077, "s[]"],
  TRANSFILETRIGGERSCRIPTFLAGS: [5078, "i[]"],
  TRANSFILETRIGGERNAME: [5079, "s[]"],
  TRANSFILETRIGGERINDEX: [5080, "i[]"],
  TRANSFILETRIGGERVERSION: [5081, "s[]"],
  TRANSFILETRIGGERFLAGS: [5082, "i[]"],
  REMOVEPATHPOSTFIXES: [5083, "s"],
  FILETRIGGERPRIORITIES: [5084, "i[]"],
  TRANSFILETRIGGERPRIORITIES: [5085, "i[]"],
  FILESIGNATURES: [5090, "s[]"],
  FILESIGNATURELENGTH: [5091, "i"],
  /** Compressed-payload digest, hex (rpm 6 calls it PAYLOADSHA256). */
  PAYLOADDIGEST: [5092, "s[]"],
  /** PGP hash algorithm of PAYLOADDIGEST/PAYLOADDIGESTALT (rpm 6: PAYLOADSHA256ALGO, obsolete). */
  PAYLOADDIGESTALGO: [5093, "i"],
  MODULARITYLABEL: [5096, "s"],
  /** Uncompressed-payload digest, hex (rpm 6 calls it PAYLOADSHA256ALT). */
  PAYLOADDIGESTALT: [5097, "s[]"],
  SPEC: [5099, "s"],
  TRANSLATIONURL: [5100, "s"],
  UPSTREAMRELEASES: [5101, "s"],
  SOURCELICENSE: [5102, "-"],
  PREUNTRANS: [5103, "s"],
  POSTUNTRANS: [5104, "s"],
  PREUNTRANSPROG: [5105, "s[]"],
  POSTUNTRANSPROG: [5106, "s[]"],
  PREUNTRANSFLAGS: [5107, "i"],
  POSTUNTRANSFLAGS: [5108, "i"],
  BUILDSYSTEM: [5110, "-"],
  BUILDOPTION: [5111, "-"],
  /** v6: size of the (compressed) payload in the file. */
  PAYLOADSIZE: [5112, "l"],
  /** v6: size of the uncompressed payload (the archive). */
  PAYLOADSIZEALT: [5113, "l"],
  RPMFORMAT: [5114, "i"],
  FILEMIMEINDEX: [5115, "i[]"],
  MIMEDICT: [5116, "s[]"],
  PACKAGEDIGESTS: [5118, "s[]"],
  PACKAGEDIGESTALGOS: [5119, "i[]"],
  SOURCENEVR: [5120, "s"],
  PAYLOADSHA512: [5121, "s"],
  PAYLOADSHA512ALT: [5122, "s"],
  PAYLOADSHA3_256: [5123, "s"],
  PAYLOADSHA3_256ALT: [5124, "s"],
} as const satisfies Record<string, readonly [number, TypeCode]>;

type TagTable = typeof TAG_TABLE;

/**
 * Tag numbers of the main package header (rpm's `RPMTAG_*` without the prefix).
 * Signature-header tags that rpm also merges into installed headers (`SIGMD5`, `SHA256HEADER`, ...) are included
 * under their `RPMTAG_` names; for reading a signature header use {@link SigTag}.
 */
export const Tag = Object.fromEntries(Object.entries(TAG_TABLE).map(([name, [tag]]) => [name, tag])) as {
  readonly [K in keyof TagTable]: TagTable[K][0];
};

/** Tag numbers of the signature header (rpm's `RPMSIGTAG_*`); several clash with {@link Tag} numbers. */
export const SigTag = {
  /** Header+payload size (32 bit). */
  SIZE: 1000,
  LEMD5_1: 1001,
  /** Legacy PGP signature over header+payload (RSA). */
  PGP: 1002,
  LEMD5_2: 1003,
  /** MD5 over header+payload, 16 raw bytes. */
  MD5: 1004,
  /** Legacy GnuPG signature over header+payload (DSA/EdDSA). */
  GPG: 1005,
  PGP5: 1006,
  /** Uncompressed payload size (32 bit). */
  PAYLOADSIZE: 1007,
  RESERVEDSPACE: 1008,
  BADSHA1_1: 264,
  BADSHA1_2: 265,
  /** OpenPGP DSA/EdDSA signature over the main header. */
  DSA: 267,
  /** OpenPGP RSA signature over the main header. */
  RSA: 268,
  /** SHA1 over the main header, hex. */
  SHA1: 269,
  /** Header+payload size (64 bit). */
  LONGSIZE: 270,
  /** Uncompressed payload size (64 bit). */
  LONGARCHIVESIZE: 271,
  /** SHA256 over the main header, hex. */
  SHA256: 273,
  /** IMA file signatures. */
  FILESIGNATURES: 274,
  FILESIGNATURELENGTH: 275,
  VERITYSIGNATURES: 276,
  VERITYSIGNATUREALGO: 277,
  /** v6: base64 OpenPGP signatures over the main header. */
  OPENPGP: 278,
  /** v6: SHA3-256 over the main header, hex. */
  SHA3_256: 279,
  /** v6: reserved space. */
  RESERVED: 999,
} as const;

const TYPE_OF_CODE: Record<TypeCode, TagTypeValue | undefined> = {
  "c[]": TagType.CHAR,
  "h[]": TagType.INT16,
  i: TagType.INT32,
  "i[]": TagType.INT32,
  l: TagType.INT64,
  "l[]": TagType.INT64,
  s: TagType.STRING,
  "s[]": TagType.STRING_ARRAY,
  "s{}": TagType.I18NSTRING,
  x: TagType.BIN,
  "-": undefined,
};

const declaredTypes = new Map<number, TagTypeValue>();
const tagNames = new Map<number, string>();
for (const [name, [tag, code]] of Object.entries(TAG_TABLE) as [string, readonly [number, TypeCode]][]) {
  tagNames.set(tag, name);
  const type = TYPE_OF_CODE[code];
  if (type !== undefined) declaredTypes.set(tag, type);
}

/** The data type rpm declares for a main-header tag, or `undefined` when unknown or not checked. */
export function declaredTagType(tag: number): TagTypeValue | undefined {
  return declaredTypes.get(tag);
}

const sigTagNames = new Map<number, string>(Object.entries(SigTag).map(([name, tag]) => [tag, name]));

/**
 * A readable name for a tag number, e.g. `NAME (1000)` or `tag 4711`.
 * @param tag - the tag number
 * @param inSignature - name it as a signature-header tag (`SIZE (1000)` rather than `NAME (1000)`)
 */
export function tagName(tag: number, inSignature = false): string {
  const name = (inSignature ? sigTagNames.get(tag) : undefined) ?? tagNames.get(tag);
  return name === undefined ? `tag ${tag}` : `${name} (${tag})`;
}

/** True for the string-class types (STRING, STRING_ARRAY, I18NSTRING). */
export function isStringType(type: number): boolean {
  return type === TagType.STRING || type === TagType.STRING_ARRAY || type === TagType.I18NSTRING;
}
