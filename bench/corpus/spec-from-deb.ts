/**
 * The mapping from a Debian package to an RPM spec: name, EVR, arch, relations, file list and the Fedora-style
 * overrides. Pure: no I/O.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";
import type { DebFileEntry } from "./deb-package.js";
import type { Stanza } from "./deb822.js";
import { requireField } from "./deb822.js";
import { parseRelationField } from "./debian-relations.js";
import { debianVersionToRpm, type RpmEvr } from "./debian-version.js";
import { ownsDirectory } from "./filesystem-directories.js";
import type { PackageOverride } from "./package-overrides.js";
import {
  type EvrRewrite,
  type RpmDependency,
  type RpmRequirement,
  toRpmDependency,
  toRpmRequirement,
} from "./rpm-dependencies.js";
import type { SpecFile, SpecInput } from "./spec-writer.js";

/** How the converted package differs from a plain conversion. */
export interface ConversionVariant {
  /** Appended to the release (`""` for the base corpus, `.1` for an update). */
  releaseSuffix: string;
  /** Rewrites versioned relations (the update bumps `=` relations on packages rebuilt with it). */
  rewrite: EvrRewrite | undefined;
}

/** The plain conversion. */
export const BASE_VARIANT: ConversionVariant = { releaseSuffix: "", rewrite: undefined };

/** Debian architecture to RPM architecture. */
export function rpmArch(debArch: string, subject: string): "x86_64" | "noarch" {
  if (debArch === "amd64") return "x86_64";
  if (debArch === "all") return "noarch";
  throw new GroveError("CORPUS_UNSUPPORTED_ARCH", `${subject}: architecture ${debArch} is not converted`, {
    subject,
  });
}

/** The package's EVR with the variant's release suffix. */
export function packageEvr(control: Stanza, variant: ConversionVariant, subject: string): RpmEvr {
  const evr = debianVersionToRpm(requireField(control, "Version", subject));
  return { ...evr, release: `${evr.release}${variant.releaseSuffix}` };
}

/** Summary and description from Debian's `Description` (first line, then the extended text). */
export function splitDescription(description: string | undefined): { summary: string; text: string } {
  const [first = "", ...rest] = (description ?? "").split("\n");
  const text = rest.map((line) => (line.trim() === "." ? "" : line)).join("\n");
  return { summary: first.trim(), text: text.trim() === "" ? first.trim() : text };
}

/** Every item of `fields` as an RPM requirement. */
export function requirements(
  control: Stanza,
  fields: readonly string[],
  subject: string,
  rewrite?: EvrRewrite,
): RpmRequirement[] {
  const out: RpmRequirement[] = [];
  for (const field of fields) {
    for (const item of parseRelationField(control.get(field), field, subject)) {
      const requirement = toRpmRequirement(item, rewrite);
      if (requirement.length > 0) out.push(requirement);
    }
  }
  return out;
}

/** Every relation of `fields`, flattened (these fields have no `|` alternatives). */
export function flatDependencies(
  control: Stanza,
  fields: readonly string[],
  subject: string,
  rewrite?: EvrRewrite,
): RpmDependency[] {
  const out: RpmDependency[] = [];
  for (const field of fields) {
    for (const item of parseRelationField(control.get(field), field, subject)) {
      for (const relation of item) out.push(toRpmDependency(relation, rewrite));
    }
  }
  return out;
}

/**
 * `Provides`, with every unversioned Debian provide given the providing package's own EVR (as Fedora writes
 * `Provides: foo = %{version}-%{release}`). dpkg never lets an unversioned provide satisfy or clash with a versioned
 * relation, but rpm lets an unversioned provide match every versioned one: perl-base's
 * `Breaks: perl-modules (<< 5.36.0~)` would then conflict with perl-modules-5.36's `Provides: perl-modules`.
 */
export function providesOf(control: Stanza, ownEvr: RpmEvr, subject: string): RpmDependency[] {
  return flatDependencies(control, ["Provides"], subject).map((dep) =>
    dep.operator === undefined ? { name: dep.name, operator: "=", evr: ownEvr } : dep,
  );
}

const TRANSLATION = /^\/usr\/share\/(?:locale|man)\/([a-z]{2,3}(?:_[A-Z]{2})?)(?:[@.][^/]*)?\/.+$/;

/**
 * The language of a translation file, as Fedora's `%find_lang` marks it: message catalogs under
 * `/usr/share/locale/<lang>/` and translated man pages under `/usr/share/man/<lang>/` (not `man1`, ...).
 */
export function translationLanguage(path: string, type: DebFileEntry["type"]): string | undefined {
  if (type === "directory") return undefined;
  const lang = TRANSLATION.exec(path)?.[1];
  return lang === "man" ? undefined : lang;
}

/** The `%files` list: every member, minus the base hierarchy (owned by base-files), with config marks. */
export function fileList(
  name: string,
  entries: readonly DebFileEntry[],
  configPaths: ReadonlySet<string>,
  override: PackageOverride,
): SpecFile[] {
  const out: SpecFile[] = [];
  for (const entry of entries) {
    if (entry.type === "directory" && !ownsDirectory(name, entry.path)) continue;
    if (entry.path === "/" && entry.type !== "directory") continue;
    const owner = override.ownership[entry.path];
    out.push({
      path: entry.path,
      type: entry.type,
      mode: owner?.mode ?? entry.mode,
      user: owner?.user ?? entry.user,
      group: owner?.group ?? entry.group,
      config: entry.type !== "directory" && configPaths.has(entry.path),
      lang: translationLanguage(entry.path, entry.type),
    });
  }
  return out;
}

/**
 * Build the spec input for a Debian package.
 * @param control - the control stanza
 * @param conffiles - conffile paths (become `%config(noreplace)`)
 * @param entries - the extracted members, including any files the override added
 * @param override - the package's Fedora-style changes
 * @param variant - base conversion or update
 * @param stageDir - where the tree is staged
 */
export function specFromDeb(
  control: Stanza,
  conffiles: readonly string[],
  entries: readonly DebFileEntry[],
  override: PackageOverride,
  variant: ConversionVariant,
  stageDir: string,
): SpecInput {
  const name = requireField(control, "Package", "control");
  const subject = `${name} ${control.get("Version") ?? ""}`;
  const { summary, text } = splitDescription(control.get("Description"));
  const configPaths = new Set([...conffiles, ...override.addedConfigFiles.map((f) => f.path)]);
  const files = fileList(name, entries, configPaths, override);
  const requiresPre = [...override.requiresPre];
  const foreignOwner = files.some((f) => f.user !== "root" || f.group !== "root");
  if (foreignOwner && name !== "base-passwd") requiresPre.push("base-passwd");
  const evr = packageEvr(control, variant, subject);
  return {
    name,
    evr,
    arch: rpmArch(requireField(control, "Architecture", subject), subject),
    summary: summary === "" ? name : summary,
    description: text,
    license: `See /usr/share/doc/${name}/copyright`,
    group: control.get("Section") ?? "unknown",
    url: control.get("Homepage"),
    packager: control.get("Maintainer") ?? "unknown",
    vendor: "Debian",
    requires: requirements(control, ["Pre-Depends", "Depends"], subject, variant.rewrite),
    requiresPre,
    provides: providesOf(control, evr, subject),
    conflicts: flatDependencies(control, ["Conflicts", "Breaks"], subject),
    recommends: requirements(control, ["Recommends"], subject),
    suggests: requirements(control, ["Suggests"], subject),
    enhances: requirements(control, ["Enhances"], subject),
    scriptlets: override.scriptlets,
    stageDir,
    files,
  };
}
