/**
 * Writing rpm-md metadata without package files: `primary.xml.gz`, `filelists.xml.gz`, `other.xml.gz` and the
 * `repomd.xml` that indexes them (checksums, sizes, fixed timestamps).
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createGzip } from "node:zlib";
import { GroveError } from "@grove/core";
import type { RpmEvr } from "./debian-version.js";
import { formatRequirement, RPMMD_FLAGS, type RpmDependency, type RpmRequirement } from "./rpm-dependencies.js";
import { xmlEscape } from "./xml-text.js";

/** One package as rpm-md describes it. */
export interface RpmMdPackage {
  /** Name. */
  name: string;
  /** Architecture. */
  arch: string;
  /** Epoch-version-release. */
  evr: RpmEvr;
  /** Package id: sha256 hex. */
  pkgid: string;
  /** Summary. */
  summary: string;
  /** Description. */
  description: string;
  /** Packager. */
  packager: string;
  /** URL (may be empty). */
  url: string;
  /** Build and file time. */
  time: number;
  /** Package file size. */
  packageSize: number;
  /** Installed size. */
  installedSize: number;
  /** Location relative to the repository. */
  href: string;
  /** License. */
  license: string;
  /** Vendor. */
  vendor: string;
  /** Group. */
  group: string;
  /** Build host. */
  buildhost: string;
  /** Source package file name. */
  sourcerpm: string;
  /** Provides (the self-provide included). */
  provides: readonly RpmDependency[];
  /** Requires. */
  requires: readonly RpmRequirement[];
  /** Conflicts. */
  conflicts: readonly RpmDependency[];
  /** Recommends. */
  recommends: readonly RpmRequirement[];
  /** Suggests. */
  suggests: readonly RpmRequirement[];
  /** Enhances. */
  enhances: readonly RpmRequirement[];
}

const PRIMARY_NS = 'xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm"';

/** `epoch="…" ver="…" rel="…"` attributes. */
function evrAttributes(evr: RpmEvr): string {
  return `epoch="${evr.epoch ?? 0}" ver="${xmlEscape(evr.version)}" rel="${xmlEscape(evr.release)}"`;
}

function depEntry(dep: RpmDependency): string {
  if (dep.operator === undefined || dep.evr === undefined) return `<rpm:entry name="${xmlEscape(dep.name)}"/>`;
  return `<rpm:entry name="${xmlEscape(dep.name)}" flags="${RPMMD_FLAGS[dep.operator]}" ${evrAttributes(dep.evr)}/>`;
}

/** A requirement entry: simple, or a rich `(a or b)` name without flags (as createrepo_c writes it). */
function requirementEntry(requirement: RpmRequirement): string {
  const [only] = requirement;
  if (requirement.length === 1 && only !== undefined) return depEntry(only);
  return `<rpm:entry name="${xmlEscape(formatRequirement(requirement))}"/>`;
}

function depSection(tag: string, entries: readonly string[]): string {
  if (entries.length === 0) return "";
  return `      <rpm:${tag}>\n${entries.map((e) => `        ${e}\n`).join("")}      </rpm:${tag}>\n`;
}

/** One `<package>` element of primary.xml. */
export function primaryPackageXml(p: RpmMdPackage): string {
  return (
    `<package type="rpm">\n` +
    `  <name>${xmlEscape(p.name)}</name>\n` +
    `  <arch>${p.arch}</arch>\n` +
    `  <version ${evrAttributes(p.evr)}/>\n` +
    `  <checksum type="sha256" pkgid="YES">${p.pkgid}</checksum>\n` +
    `  <summary>${xmlEscape(p.summary)}</summary>\n` +
    `  <description>${xmlEscape(p.description)}</description>\n` +
    `  <packager>${xmlEscape(p.packager)}</packager>\n` +
    `  <url>${xmlEscape(p.url)}</url>\n` +
    `  <time file="${p.time}" build="${p.time}"/>\n` +
    `  <size package="${p.packageSize}" installed="${p.installedSize}" archive="${p.installedSize}"/>\n` +
    `  <location href="${xmlEscape(p.href)}"/>\n` +
    `  <format>\n` +
    `      <rpm:license>${xmlEscape(p.license)}</rpm:license>\n` +
    `      <rpm:vendor>${xmlEscape(p.vendor)}</rpm:vendor>\n` +
    `      <rpm:group>${xmlEscape(p.group)}</rpm:group>\n` +
    `      <rpm:buildhost>${xmlEscape(p.buildhost)}</rpm:buildhost>\n` +
    `      <rpm:sourcerpm>${xmlEscape(p.sourcerpm)}</rpm:sourcerpm>\n` +
    `      <rpm:header-range start="0" end="0"/>\n` +
    depSection("provides", p.provides.map(depEntry)) +
    depSection("requires", p.requires.map(requirementEntry)) +
    depSection("conflicts", p.conflicts.map(depEntry)) +
    depSection("recommends", p.recommends.map(requirementEntry)) +
    depSection("suggests", p.suggests.map(requirementEntry)) +
    depSection("enhances", p.enhances.map(requirementEntry)) +
    `  </format>\n` +
    `</package>\n`
  );
}

/** The package's identity line for filelists.xml and other.xml (no files, no changelogs). */
function idOnlyXml(p: RpmMdPackage): string {
  return (
    `<package pkgid="${p.pkgid}" name="${xmlEscape(p.name)}" arch="${p.arch}">\n` +
    `  <version ${evrAttributes(p.evr)}/>\n</package>\n`
  );
}

/** A gzip-compressed XML file being written, with checksums of both forms. */
class MetadataFile {
  private readonly openHash = createHash("sha256");
  private readonly gzHash = createHash("sha256");
  private openSize = 0;
  private readonly gzip = createGzip({ level: 6 });
  private readonly out;
  private readonly finished: Promise<void>;

  constructor(
    readonly type: string,
    private readonly tmpPath: string,
  ) {
    this.out = createWriteStream(tmpPath);
    this.gzip.on("data", (chunk: Buffer) => this.gzHash.update(chunk));
    this.gzip.pipe(this.out);
    this.finished = once(this.out, "finish").then(() => undefined);
  }

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, "utf8");
    this.openHash.update(bytes);
    this.openSize += bytes.length;
    if (!this.gzip.write(bytes)) await once(this.gzip, "drain");
  }

  /** Finish the file, move it to its checksum-named place and describe it for repomd.xml. */
  async close(repodataDir: string, timestamp: number): Promise<string> {
    this.gzip.end();
    await this.finished;
    const checksum = this.gzHash.digest("hex");
    const name = `${checksum}-${this.type}.xml.gz`;
    await rename(this.tmpPath, path.join(repodataDir, name));
    const size = (await stat(path.join(repodataDir, name))).size;
    return (
      `  <data type="${this.type}">\n` +
      `    <checksum type="sha256">${checksum}</checksum>\n` +
      `    <open-checksum type="sha256">${this.openHash.digest("hex")}</open-checksum>\n` +
      `    <location href="repodata/${name}"/>\n` +
      `    <timestamp>${timestamp}</timestamp>\n` +
      `    <size>${size}</size>\n` +
      `    <open-size>${this.openSize}</open-size>\n` +
      `  </data>\n`
    );
  }
}

/** Writes primary, filelists and other metadata for a known number of packages, then repomd.xml. */
export class RpmMdWriter {
  private readonly files: { primary: MetadataFile; filelists: MetadataFile; other: MetadataFile };
  private written = 0;

  private constructor(
    private readonly repodataDir: string,
    private readonly expected: number,
  ) {
    const tmp = (type: string) => new MetadataFile(type, path.join(repodataDir, `.${type}.xml.gz.tmp`));
    this.files = { primary: tmp("primary"), filelists: tmp("filelists"), other: tmp("other") };
  }

  /** Start writing into `<repoDir>/repodata` (created) for exactly `count` packages. */
  static async open(repoDir: string, count: number): Promise<RpmMdWriter> {
    const repodataDir = path.join(repoDir, "repodata");
    await mkdir(repodataDir, { recursive: true });
    const writer = new RpmMdWriter(repodataDir, count);
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    await writer.files.primary.write(`${head}<metadata ${PRIMARY_NS} packages="${count}">\n`);
    await writer.files.filelists.write(
      `${head}<filelists xmlns="http://linux.duke.edu/metadata/filelists" packages="${count}">\n`,
    );
    await writer.files.other.write(
      `${head}<otherdata xmlns="http://linux.duke.edu/metadata/other" packages="${count}">\n`,
    );
    return writer;
  }

  /** Add one package. */
  async add(p: RpmMdPackage): Promise<void> {
    this.written++;
    await this.files.primary.write(primaryPackageXml(p));
    const id = idOnlyXml(p);
    await this.files.filelists.write(id);
    await this.files.other.write(id);
  }

  /**
   * Close the XML files and write repomd.xml.
   * @returns the number of packages written
   */
  async close(revision: number): Promise<number> {
    if (this.written !== this.expected) {
      throw new GroveError(
        "CORPUS_PACKAGE_COUNT_MISMATCH",
        `${this.repodataDir}: announced ${this.expected} packages but wrote ${this.written}`,
      );
    }
    await this.files.primary.write("</metadata>\n");
    await this.files.filelists.write("</filelists>\n");
    await this.files.other.write("</otherdata>\n");
    let data = "";
    for (const file of [this.files.primary, this.files.filelists, this.files.other]) {
      data += await file.close(this.repodataDir, revision);
    }
    const repomd =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n' +
      `  <revision>${revision}</revision>\n${data}</repomd>\n`;
    await writeFile(path.join(this.repodataDir, "repomd.xml"), repomd);
    return this.written;
  }
}
