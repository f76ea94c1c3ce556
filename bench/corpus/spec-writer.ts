/**
 * Writing the RPM spec file for a converted package. The payload is already staged on disk; `%install` moves it
 * into the build root and `%files` lists every path with its exact mode, owner and group.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";
import { formatVersionRelease, type RpmEvr } from "./debian-version.js";
import type { Scriptlet } from "./package-overrides.js";
import { formatDependency, formatRequirement, type RpmDependency, type RpmRequirement } from "./rpm-dependencies.js";

/** One `%files` line. */
export interface SpecFile {
  /** Absolute path. */
  path: string;
  /** `directory` lines get `%dir`; symlinks get mode `-`. */
  type: "file" | "directory" | "symlink" | "hardlink";
  /** Permission bits including setuid/setgid/sticky. */
  mode: number;
  /** Owner name. */
  user: string;
  /** Group name. */
  group: string;
  /** Marked `%config(noreplace)`. */
  config: boolean;
  /** Language for `%lang(...)` (translations), `undefined` for language-neutral files. */
  lang: string | undefined;
}

/** Everything a spec file says. */
export interface SpecInput {
  /** Package name. */
  name: string;
  /** Epoch, version and release. */
  evr: RpmEvr;
  /** `x86_64` or `noarch`. */
  arch: "x86_64" | "noarch";
  /** One-line summary. */
  summary: string;
  /** Long description (plain text, paragraphs separated by blank lines). */
  description: string;
  /** License tag. */
  license: string;
  /** Group tag (Debian's section). */
  group: string;
  /** Homepage, if any. */
  url: string | undefined;
  /** Packager (Debian's maintainer). */
  packager: string;
  /** Vendor tag. */
  vendor: string;
  /** `Requires`. */
  requires: readonly RpmRequirement[];
  /** `Requires(pre)` capabilities. */
  requiresPre: readonly string[];
  /** `Provides`. */
  provides: readonly RpmDependency[];
  /** `Conflicts`. */
  conflicts: readonly RpmDependency[];
  /** `Recommends`. */
  recommends: readonly RpmRequirement[];
  /** `Suggests`. */
  suggests: readonly RpmRequirement[];
  /** `Enhances`. */
  enhances: readonly RpmRequirement[];
  /** Scriptlets. */
  scriptlets: readonly Scriptlet[];
  /** The staged tree that becomes the build root. */
  stageDir: string;
  /** The file list. */
  files: readonly SpecFile[];
}

/** Escape `%` so rpm does not expand macros in literal text. */
function literal(text: string): string {
  return text.replace(/%/g, "%%");
}

/** A single-line tag value (rpm tags cannot span lines). */
function tagValue(text: string): string {
  return literal(text.replace(/\s+/g, " ").trim());
}

/** Description text: `%` escaped, and no line that rpm could take for a section header. */
function descriptionText(text: string): string {
  const lines = text.split("\n").map((line) => {
    const escaped = literal(line);
    return escaped.trimStart().startsWith("%") ? `.${escaped}` : escaped;
  });
  const joined = lines.join("\n").trim();
  return joined === "" ? "(no description)" : joined;
}

const GLOB_CHARS = /[*?[]/g;

/**
 * A path as a `%files` token: double-quoted (spaces allowed), `%` doubled, and the glob characters rpm 4.18 reacts
 * to (`*`, `?`, `[`) wrapped in a bracket class (`[*]`) so the glob matches only the literal name. rpm takes a
 * backslash literally, and braces are not expanded in quoted paths, so both stay as they are.
 * @throws GroveError `CORPUS_UNLISTABLE_PATH` for a path containing `"`, which a spec file cannot express.
 */
export function specPath(path: string): string {
  if (path.includes('"')) {
    throw new GroveError("CORPUS_UNLISTABLE_PATH", `${path}: a spec %files line cannot name a path with a quote`, {
      subject: path,
    });
  }
  return `"${literal(path).replace(GLOB_CHARS, (ch) => `[${ch}]`)}"`;
}

/** Single-quote a word for the shell. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** One `%files` line. */
function fileLine(file: SpecFile): string {
  const mode = file.type === "symlink" ? "-" : (file.mode & 0o7777).toString(8).padStart(4, "0");
  const attr = `%attr(${mode},${file.user},${file.group})`;
  const prefix = file.type === "directory" ? "%dir " : file.config ? "%config(noreplace) " : "";
  const lang = file.lang === undefined ? "" : `%lang(${file.lang}) `;
  return `${prefix}${lang}${attr} ${specPath(file.path)}`;
}

/** A scriptlet section. */
function scriptletSection(scriptlet: Scriptlet): string {
  if (scriptlet.program !== undefined) return `%${scriptlet.section} -p ${scriptlet.program}\n`;
  return `%${scriptlet.section}\n${scriptlet.body ?? ""}\n`;
}

/** Render the complete spec file. */
export function writeSpec(input: SpecInput): string {
  const out: string[] = [];
  const tag = (name: string, value: string): void => {
    out.push(`${name}: ${value}`);
  };
  tag("Name", input.name);
  if (input.evr.epoch !== undefined) tag("Epoch", String(input.evr.epoch));
  tag("Version", input.evr.version);
  tag("Release", input.evr.release);
  tag("Summary", tagValue(input.summary) || input.name);
  tag("License", tagValue(input.license));
  tag("Group", tagValue(input.group));
  if (input.url !== undefined && input.url !== "") tag("URL", tagValue(input.url));
  tag("Vendor", tagValue(input.vendor));
  tag("Packager", tagValue(input.packager));
  tag("BuildArch", input.arch);
  tag("AutoReqProv", "no");
  for (const requirement of input.requires) tag("Requires", formatRequirement(requirement));
  for (const capability of input.requiresPre) tag("Requires(pre)", capability);
  for (const provide of input.provides) tag("Provides", formatDependency(provide));
  for (const conflict of input.conflicts) tag("Conflicts", formatDependency(conflict));
  for (const requirement of input.recommends) tag("Recommends", formatRequirement(requirement));
  for (const requirement of input.suggests) tag("Suggests", formatRequirement(requirement));
  for (const requirement of input.enhances) tag("Enhances", formatRequirement(requirement));
  out.push("", "%description", descriptionText(input.description), "");
  out.push("%install", 'rmdir "$RPM_BUILD_ROOT"', `mv ${shellQuote(literal(input.stageDir))} "$RPM_BUILD_ROOT"`, "");
  for (const scriptlet of input.scriptlets) out.push(scriptletSection(scriptlet));
  out.push("%files");
  for (const file of input.files) out.push(fileLine(file));
  out.push("");
  return out.join("\n");
}

/** The file name rpmbuild gives the package (`%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}.rpm`). */
export function rpmFileName(name: string, evr: RpmEvr, arch: string): string {
  return `${name}-${formatVersionRelease(evr)}.${arch}.rpm`;
}
