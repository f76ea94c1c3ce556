/**
 * The `rpm -qp` oracle: what Debian's rpm 4.18 reports about a package file, as plain objects.
 *
 * One `rpm` process per package: a single query format made of named sections, separated by ASCII control
 * characters that never occur in header data (group separator between sections, record separator between array
 * elements, unit separator between fields). Parsing checks the field counts, so a stray separator fails loudly.
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { decodeBytes, decodeLatin1Bytes } from "./decode-bytes.js";

/** Dependency kinds, in the order of `RpmPackage.dependencies`, with rpm's query tag stem for each. */
export const ORACLE_DEPENDENCY_KINDS = {
  requires: "REQUIRE",
  provides: "PROVIDE",
  conflicts: "CONFLICT",
  obsoletes: "OBSOLETE",
  recommends: "RECOMMEND",
  suggests: "SUGGEST",
  supplements: "SUPPLEMENT",
  enhances: "ENHANCE",
} as const;

/** A dependency kind the oracle reports. */
export type OracleDependencyKind = keyof typeof ORACLE_DEPENDENCY_KINDS;

/**
 * Scriptlet kinds rpm 4.18 knows, with their body / interpreter / flags tags.
 * rpm 4.18 has no PREUNTRANS/POSTUNTRANS tags (added in rpm 4.20), so those kinds are not queried.
 */
export const ORACLE_SCRIPTLET_TAGS = {
  pretrans: { body: "PRETRANS", prog: "PRETRANSPROG", flags: "PRETRANSFLAGS" },
  pre: { body: "PREIN", prog: "PREINPROG", flags: "PREINFLAGS" },
  post: { body: "POSTIN", prog: "POSTINPROG", flags: "POSTINFLAGS" },
  preun: { body: "PREUN", prog: "PREUNPROG", flags: "PREUNFLAGS" },
  postun: { body: "POSTUN", prog: "POSTUNPROG", flags: "POSTUNFLAGS" },
  posttrans: { body: "POSTTRANS", prog: "POSTTRANSPROG", flags: "POSTTRANSFLAGS" },
  verify: { body: "VERIFYSCRIPT", prog: "VERIFYSCRIPTPROG", flags: "VERIFYSCRIPTFLAGS" },
} as const;

/** A scriptlet kind the oracle reports. */
export type OracleScriptletKind = keyof typeof ORACLE_SCRIPTLET_TAGS;

/** One dependency as rpm reports it: the raw header triple plus rpm's own `name op evr` rendering. */
export interface OracleDependency {
  /** Capability name (`%{REQUIRENAME}`). */
  name: string;
  /** RPMSENSE_* bits (`%{REQUIREFLAGS}`). */
  flags: number;
  /** Version string as stored (`%{REQUIREVERSION}`), `""` when unversioned. */
  evr: string;
  /** rpm's rendering, as `rpm -qpR` prints it (`%{REQUIRENEVRS}`), e.g. `bash >= 5.1-2`. */
  formatted: string;
}

/** One file as rpm reports it; field names match `RpmFile` of `@grove/rpm`. */
export interface OracleFile {
  /** `%{FILENAMES}`. */
  path: string;
  /** `%{FILEMODES}` (full st_mode). */
  mode: number;
  /** `%{LONGFILESIZES}` (rpm falls back to FILESIZES). */
  size: number;
  /** `%{FILEUSERNAME}`. */
  user: string;
  /** `%{FILEGROUPNAME}`. */
  group: string;
  /** `%{FILEDIGESTS}` (hex, `""` for non-regular files). */
  digest: string;
  /** `%{FILELINKTOS}`. */
  linkTo: string;
  /** `%{FILEFLAGS}`. */
  flags: number;
  /** `%{FILEINODES}`. */
  inode: number;
  /** `%{FILEDEVICES}`. */
  device: number;
  /** `%{FILERDEVS}`. */
  rdev: number;
  /** `%{FILEMTIMES}`. */
  mtime: number;
  /** `%{FILELANGS}`, `""` when absent. */
  lang: string;
  /** `%{FILECAPS}` text form, `""` when absent. */
  capability: string;
  /** `%{FILEVERIFYFLAGS}` as rpm prints it (unsigned 32-bit). */
  verifyFlags: number;
}

/** One install/erase scriptlet as rpm reports it. */
export interface OracleScriptlet {
  /** When it runs. */
  kind: OracleScriptletKind;
  /** Interpreter and arguments (`%{PREINPROG}` ...), `[]` when the header names none. */
  interpreter: string[];
  /** Body (`%{PREIN}` ...), `""` when absent. */
  body: string;
  /** `%{PREINFLAGS}` ..., 0 when absent. */
  flags: number;
}

/** Trigger families: tag stems and whether they are (transaction) file triggers. */
export const ORACLE_TRIGGER_FAMILIES = {
  package: { stem: "TRIGGER", file: false, transaction: false },
  file: { stem: "FILETRIGGER", file: true, transaction: false },
  transfile: { stem: "TRANSFILETRIGGER", file: true, transaction: true },
} as const;

/** A trigger family the oracle reports. */
export type OracleTriggerFamily = keyof typeof ORACLE_TRIGGER_FAMILIES;

/** One trigger condition (`%{TRIGGERNAME}`, `%{TRIGGERFLAGS}`, `%{TRIGGERVERSION}`). */
export interface OracleTriggerCondition {
  /** Package name, or path prefix for file triggers. */
  name: string;
  /** RPMSENSE_* bits including the trigger kind bits. */
  flags: number;
  /** Version constraint, `""` when none. */
  evr: string;
}

/** One trigger script with its conditions; file-trigger fields are set for file triggers only. */
export interface OracleTrigger {
  /** `trigger` + rpm's per-script `%{TRIGGERTYPE}` (from its first condition): `triggerin`, ... */
  kind: string;
  /** `[%{TRIGGERSCRIPTPROG}]`, `[]` when absent. */
  interpreter: string[];
  /** `%{TRIGGERSCRIPTS}`. */
  body: string;
  /** `%{TRIGGERSCRIPTFLAGS}`, 0 when absent. */
  flags: number;
  /** The conditions whose TRIGGERINDEX points at this script, in header order. */
  conditions: OracleTriggerCondition[];
  /** File triggers: true for `%transfiletrigger*`. */
  transaction?: boolean;
  /** File triggers: `%{FILETRIGGERPRIORITIES}`. */
  priority?: number;
}

/** Everything the oracle reports about one package. */
export interface OraclePackage {
  /** `%{NEVRA}` (rpm prints the header ARCH even for source packages). */
  nevra: string;
  /** `%{NAME}`. */
  name: string;
  /** `%{EPOCH}`, `undefined` when the header has none. */
  epoch: number | undefined;
  /** `%{VERSION}`. */
  version: string;
  /** `%{RELEASE}`. */
  release: string;
  /** `%{ARCH}`. */
  arch: string;
  /** True when rpm treats it as a source package (SOURCEPACKAGE set, or no SOURCERPM). */
  isSource: boolean;
  /** `%{FILEDIGESTALGO}` (PGP hash number), `undefined` when absent (rpm then assumes MD5). */
  fileDigestAlgo: number | undefined;
  /** `%{PAYLOADCOMPRESSOR}`, `""` when absent. */
  payloadCompressor: string;
  /** Dependencies by kind, in header order. */
  dependencies: Record<OracleDependencyKind, OracleDependency[]>;
  /** Files in header order. */
  files: OracleFile[];
  /** Scriptlets that have a body or an interpreter, in {@link ORACLE_SCRIPTLET_TAGS} order. */
  scripts: OracleScriptlet[];
  /** Package triggers, in script order (scripts without a condition never fire and are left out). */
  triggers: OracleTrigger[];
  /** File triggers: per-file ones, then transaction ones, each in script order. */
  fileTriggers: OracleTrigger[];
  /** What rpm wrote to stderr (warnings such as "RPM v3 packages are deprecated"). */
  warnings: string;
}

const SECTION = "\x1d";
const RECORD = "\x1e";
const FIELD = "\x1f";

/** `%{TAG}` when the tag exists, else `fallback` (rpm would print `(none)`). */
function tagOr(tag: string, fallback = ""): string {
  return `%|${tag}?{%{${tag}}}:{${fallback}}|`;
}

/** Array query: one record per element, fields in the given order. */
function records(fields: string[]): string {
  return `[${fields.join(FIELD)}${RECORD}]`;
}

const FILE_FIELDS = [
  "%{FILENAMES}",
  tagOr("FILEMODES"),
  tagOr("LONGFILESIZES"),
  tagOr("FILEUSERNAME"),
  tagOr("FILEGROUPNAME"),
  tagOr("FILEDIGESTS"),
  tagOr("FILELINKTOS"),
  tagOr("FILEFLAGS", "0"),
  tagOr("FILEINODES", "0"),
  tagOr("FILEDEVICES", "0"),
  tagOr("FILERDEVS", "0"),
  tagOr("FILEMTIMES", "0"),
  tagOr("FILELANGS"),
  tagOr("FILECAPS"),
  tagOr("FILEVERIFYFLAGS", "0"),
];

/** The named sections of the combined query format. */
function sections(): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [
      "package",
      [
        "%{NEVRA}",
        "%{NAME}",
        tagOr("EPOCH"),
        "%{VERSION}",
        "%{RELEASE}",
        "%{ARCH}",
        "%|SOURCEPACKAGE?{1}:{%|SOURCERPM?{0}:{1}|}|",
        tagOr("FILEDIGESTALGO"),
        tagOr("PAYLOADCOMPRESSOR"),
      ].join(FIELD),
    ],
    ["files", records(FILE_FIELDS)],
  ];
  for (const [kind, stem] of Object.entries(ORACLE_DEPENDENCY_KINDS)) {
    out.push([`dep:${kind}`, records([`%{${stem}NAME}`, `%{${stem}FLAGS}`, `%{${stem}VERSION}`, `%{${stem}NEVRS}`])]);
  }
  for (const [kind, tags] of Object.entries(ORACLE_SCRIPTLET_TAGS)) {
    out.push([`script:${kind}`, [`%|${tags.body}?{1}:{0}|`, tagOr(tags.body), tagOr(tags.flags, "0")].join(FIELD)]);
    out.push([`prog:${kind}`, `[%{${tags.prog}}${RECORD}]`]);
  }
  for (const [family, { stem, file }] of Object.entries(ORACLE_TRIGGER_FAMILIES)) {
    const priority = file ? tagOr(`${stem}PRIORITIES`, "0") : "0";
    out.push([
      `trigscript:${family}`,
      records([
        `%{${stem}SCRIPTS}`,
        tagOr(`${stem}SCRIPTPROG`),
        tagOr(`${stem}SCRIPTFLAGS`, "0"),
        priority,
        `%{${stem}TYPE}`,
      ]),
    ]);
    out.push([
      `trigcond:${family}`,
      records([`%{${stem}NAME}`, `%{${stem}FLAGS}`, tagOr(`${stem}VERSION`), `%{${stem}INDEX}`]),
    ]);
  }
  return out;
}

/** The combined `--qf` argument. */
export const ORACLE_QUERY_FORMAT: string = sections()
  .map(([name, format]) => `${SECTION}${name}${SECTION}${format}`)
  .join("");

/** rpm's output as one Latin-1 string (lossless: one code point per byte); fields are re-decoded one by one. */
function rawText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function splitSections(output: string, file: string): Map<string, string> {
  const parts = output.split(SECTION);
  if (parts[0] !== "" || parts.length % 2 !== 1) {
    throw new Error(`rpm oracle: unexpected output layout for ${file}`);
  }
  const map = new Map<string, string>();
  for (let i = 1; i < parts.length; i += 2) map.set(parts[i] ?? "", parts[i + 1] ?? "");
  return map;
}

function fieldsOf(record: string, count: number, what: string): string[] {
  const fields = record.split(FIELD).map(decodeLatin1Bytes);
  if (fields.length !== count) {
    throw new Error(`rpm oracle: ${what} has ${fields.length} fields, expected ${count}: ${JSON.stringify(record)}`);
  }
  return fields;
}

function recordsOf(body: string | undefined, count: number, what: string): string[][] {
  if (body === undefined) throw new Error(`rpm oracle: section ${what} missing`);
  const list = body.split(RECORD);
  if (list.pop() !== "") throw new Error(`rpm oracle: section ${what} does not end with a record separator`);
  return list.map((r) => fieldsOf(r, count, what));
}

function int(text: string, what: string): number {
  if (!/^-?\d+$/.test(text)) throw new Error(`rpm oracle: ${what} is not an integer: ${JSON.stringify(text)}`);
  return Number(text);
}

function optionalInt(text: string, what: string): number | undefined {
  return text === "" ? undefined : int(text, what);
}

function parseFile(f: string[]): OracleFile {
  const [path, mode, size, user, group, digest, linkTo, flags, inode, device, rdev, mtime, lang, caps, verify] = f;
  const n = (s: string | undefined, what: string) => int(s ?? "", `${path} ${what}`);
  return {
    path: path ?? "",
    mode: n(mode, "mode"),
    size: n(size, "size"),
    user: user ?? "",
    group: group ?? "",
    digest: digest ?? "",
    linkTo: linkTo ?? "",
    flags: n(flags, "flags"),
    inode: n(inode, "inode"),
    device: n(device, "device"),
    rdev: n(rdev, "rdev"),
    mtime: n(mtime, "mtime"),
    lang: lang ?? "",
    capability: caps ?? "",
    verifyFlags: n(verify, "verifyFlags"),
  };
}

/**
 * Parse the output of `rpm -qp --qf ORACLE_QUERY_FORMAT`, given as raw bytes in a Latin-1 string; every field is
 * decoded with {@link decodeBytes}.
 */
export function parseOracleOutput(output: string, file: string, warnings = ""): OraclePackage {
  const s = splitSections(output, file);
  const head = fieldsOf(s.get("package") ?? "", 9, `${file} package`);
  const [nevra, name, epoch, version, release, arch, isSource, digestAlgo, compressor] = head;
  const dependencies = {} as Record<OracleDependencyKind, OracleDependency[]>;
  for (const kind of Object.keys(ORACLE_DEPENDENCY_KINDS) as OracleDependencyKind[]) {
    dependencies[kind] = recordsOf(s.get(`dep:${kind}`), 4, `${file} ${kind}`).map(([n, flags, evr, formatted]) => ({
      name: n ?? "",
      flags: int(flags ?? "", `${file} ${kind} flags`),
      evr: evr ?? "",
      formatted: formatted ?? "",
    }));
  }
  const scripts: OracleScriptlet[] = [];
  for (const kind of Object.keys(ORACLE_SCRIPTLET_TAGS) as OracleScriptletKind[]) {
    const [hasBody, body, flags] = fieldsOf(s.get(`script:${kind}`) ?? "", 3, `${file} ${kind} scriptlet`);
    const interpreter = recordsOf(s.get(`prog:${kind}`), 1, `${file} ${kind} interpreter`).map(([p]) => p ?? "");
    if (hasBody === "1" || interpreter.length > 0) {
      scripts.push({ kind, interpreter, body: body ?? "", flags: int(flags ?? "", `${file} ${kind} flags`) });
    }
  }
  const triggers = parseTriggers(s, file, "package");
  const fileTriggers = [...parseTriggers(s, file, "file"), ...parseTriggers(s, file, "transfile")];
  return {
    nevra: nevra ?? "",
    name: name ?? "",
    epoch: optionalInt(epoch ?? "", `${file} epoch`),
    version: version ?? "",
    release: release ?? "",
    arch: arch ?? "",
    isSource: isSource === "1",
    fileDigestAlgo: optionalInt(digestAlgo ?? "", `${file} FILEDIGESTALGO`),
    payloadCompressor: compressor ?? "",
    dependencies,
    files: recordsOf(s.get("files"), FILE_FIELDS.length, `${file} files`).map(parseFile),
    scripts,
    triggers,
    fileTriggers,
    warnings,
  };
}

function parseTriggers(s: Map<string, string>, file: string, family: OracleTriggerFamily): OracleTrigger[] {
  const what = `${file} ${family} triggers`;
  const { file: isFileTrigger, transaction } = ORACLE_TRIGGER_FAMILIES[family];
  const scripts = recordsOf(s.get(`trigscript:${family}`), 5, what);
  const conditions = recordsOf(s.get(`trigcond:${family}`), 4, what);
  const out: OracleTrigger[] = [];
  scripts.forEach(([body, prog, flags, priority, type], i) => {
    const mine = conditions.filter((c) => int(c[3] ?? "", `${what} index`) === i);
    // %{TRIGGERTYPE} is per script (from its first condition); "" when no condition points at it.
    if (mine.length === 0 || type === undefined || type === "") return;
    const trigger: OracleTrigger = {
      kind: `trigger${type}`,
      interpreter: prog === undefined || prog === "" ? [] : [prog],
      body: body ?? "",
      flags: int(flags ?? "", `${what} flags`),
      conditions: mine.map(([name, cflags, evr]) => ({
        name: name ?? "",
        flags: int(cflags ?? "", `${what} condition flags`),
        evr: evr ?? "",
      })),
    };
    if (isFileTrigger) {
      trigger.transaction = transaction;
      trigger.priority = int(priority ?? "", `${what} priority`);
    }
    out.push(trigger);
  });
  return out;
}

/**
 * Query one package file with Debian's rpm (`rpm -qp --nosignature --nodigest --qf ...`, C locale).
 * Throws (a plain Error carrying rpm's stderr) when rpm cannot read the file.
 */
export function queryRpm(file: string): OraclePackage {
  const run = spawnSync("rpm", ["-qp", "--nosignature", "--nodigest", "--qf", ORACLE_QUERY_FORMAT, file], {
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
    maxBuffer: 256 * 1024 * 1024,
  });
  const stderr = decodeBytes(run.stderr ?? new Uint8Array());
  if (run.error) throw run.error;
  // rpm exits 0 even when it rejects the query format, so any "error:" line counts as failure.
  if (run.status !== 0 || /^error:/m.test(stderr)) {
    throw new Error(`rpm -qp failed (exit ${run.status}) for ${file}: ${stderr.trim()}`);
  }
  return parseOracleOutput(rawText(run.stdout), file, stderr);
}
