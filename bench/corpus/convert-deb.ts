/**
 * Converting one .deb into one binary RPM, cached by the .deb's sha256, the converter version and the variant.
 * @packageDocumentation
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { CONVERTER_VERSION, type ConvertedPackage } from "./converted-package.js";
import { type DebFileEntry, extractDebData, readDebControl } from "./deb-package.js";
import { requireField } from "./deb822.js";
import { type PackageOverride, packageOverride } from "./package-overrides.js";
import { payloadFor } from "./payload-choice.js";
import { buildRpm } from "./rpm-build.js";
import { type ConversionVariant, specFromDeb } from "./spec-from-deb.js";
import { rpmFileName, writeSpec } from "./spec-writer.js";
import { applyContentChange } from "./update-change.js";

/** One conversion to perform. */
export interface ConvertRequest {
  /** The .deb file. */
  debPath: string;
  /** Its sha256 (hex). */
  debSha256: string;
  /** The package's name (its overrides are part of the cache key). */
  name: string;
  /** The cache root (`<cache>/rpms/<key>/` holds the result). */
  cacheDir: string;
  /** Base conversion or update. */
  variant: ConversionVariant;
  /** A stable description of the variant, part of the cache key (e.g. `base`, `update:.1:libssl3,openssl`). */
  variantKey: string;
}

/** A conversion's result. */
export interface ConvertResult {
  /** The package record. */
  pkg: ConvertedPackage;
  /** Path of the .rpm inside the cache. */
  rpmPath: string;
  /** True when the cache already had it. */
  cached: boolean;
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The cache key of a conversion: the converter version, the .deb's sha256, the variant and the package's overrides
 * (so editing one package's scriptlets rebuilds only that package).
 */
export function conversionKey(debSha256: string, name: string, variantKey: string): string {
  const override = packageOverride(name);
  return createHash("sha256")
    .update(JSON.stringify({ converter: CONVERTER_VERSION, deb: debSha256, variant: variantKey, override }))
    .digest("hex")
    .slice(0, 32);
}

/**
 * Remove scratch directories that conversions killed half-way left in `<cache>/work/` (their names end in
 * `-<pid>-<random>`; a directory whose process is gone is stale).
 */
export async function removeStaleWork(cacheDir: string): Promise<void> {
  const workRoot = path.join(cacheDir, "work");
  let names: string[];
  try {
    names = await readdir(workRoot);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/-(\d+)-[0-9a-f]+$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    await rm(path.join(workRoot, name), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Look up a finished conversion in the cache. */
async function cachedResult(entryDir: string): Promise<ConvertResult | undefined> {
  try {
    const pkg = JSON.parse(await readFile(path.join(entryDir, "package.json"), "utf8")) as ConvertedPackage;
    const rpmPath = path.join(entryDir, pkg.rpmFile);
    if ((await stat(rpmPath)).size !== pkg.rpmSize) return undefined;
    return { pkg, rpmPath, cached: true };
  } catch {
    return undefined;
  }
}

/** Add the config files an override creates (copies of files the package ships). */
async function addConfigFiles(stageDir: string, entries: DebFileEntry[], override: PackageOverride, subject: string) {
  for (const added of override.addedConfigFiles) {
    const source = entries.find((e) => e.path === added.copyFrom && e.type === "file");
    if (source === undefined) {
      throw new GroveError("CORPUS_OVERRIDE_SOURCE_MISSING", `${subject}: ships no ${added.copyFrom} to copy`, {
        subject,
      });
    }
    if (entries.some((e) => e.path === added.path)) {
      throw new GroveError("CORPUS_OVERRIDE_CONFLICT", `${subject}: already ships ${added.path}`, { subject });
    }
    const target = path.join(stageDir, added.path);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(stageDir, source.path), target);
    entries.push({ ...source, path: added.path, mode: added.mode, user: "root", group: "root" });
  }
}

/**
 * Convert a .deb (or return the cached conversion).
 * @throws GroveError from extraction, spec generation or rpmbuild; the scratch directory is removed either way.
 */
export async function convertDeb(request: ConvertRequest): Promise<ConvertResult> {
  const key = conversionKey(request.debSha256, request.name, request.variantKey);
  const entryDir = path.join(request.cacheDir, "rpms", key);
  const hit = await cachedResult(entryDir);
  if (hit !== undefined) return hit;

  const workDir = path.join(request.cacheDir, "work", `${key}-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(workDir, { recursive: true });
  try {
    const { control, conffiles } = await readDebControl(request.debPath, path.join(workDir, "control"));
    const name = requireField(control, "Package", request.debPath);
    if (name !== request.name) {
      throw new GroveError("CORPUS_WRONG_PACKAGE", `${request.debPath}: contains ${name}, expected ${request.name}`, {
        subject: request.debPath,
      });
    }
    const debianVersion = requireField(control, "Version", request.debPath);
    const stageDir = path.join(workDir, "stage");
    const entries = await extractDebData(request.debPath, stageDir);
    const override = packageOverride(name);
    await addConfigFiles(stageDir, entries, override, request.debPath);
    const change =
      request.variant.releaseSuffix === ""
        ? undefined
        : await applyContentChange(stageDir, entries, name, debianVersion);
    const spec = specFromDeb(control, conffiles, entries, override, request.variant, stageDir);
    const payload = payloadFor(name);
    const outputDir = path.join(workDir, "out");
    const rpmPath = await buildRpm({
      spec: writeSpec(spec),
      name,
      binaryPayload: payload.binaryPayload,
      workDir,
      outputDir,
    });
    const expected = rpmFileName(spec.name, spec.evr, spec.arch);
    if (path.basename(rpmPath) !== expected) {
      throw new GroveError("CORPUS_NO_RPM_PRODUCED", `rpmbuild wrote ${rpmPath}, expected ${expected}`);
    }
    const pkg: ConvertedPackage = {
      name,
      evr: spec.evr,
      arch: spec.arch,
      debianVersion,
      debFile: path.basename(request.debPath),
      debSha256: request.debSha256,
      rpmFile: expected,
      rpmSha256: await sha256File(rpmPath),
      rpmSize: (await stat(rpmPath)).size,
      payload: payload.compressor,
      entries: spec.files.length,
      contentBytes: entries.filter((e) => e.type === "file").reduce((sum, e) => sum + e.size, 0),
      scriptlets: spec.scriptlets.map((s) => s.section),
      changedPath: change?.path,
    };
    await writeFile(path.join(outputDir, `${name}.spec`), await readFile(path.join(workDir, `${name}.spec`)));
    await writeFile(path.join(outputDir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
    await rm(entryDir, { recursive: true, force: true });
    await mkdir(path.dirname(entryDir), { recursive: true });
    await rename(outputDir, entryDir);
    return { pkg, rpmPath: path.join(entryDir, expected), cached: false };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
