import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The monorepo root (`/work/main`). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The shared fixtures directory, beside the repository. */
export const fixturesDir = path.resolve(repoRoot, "../shared/fixtures");

/** The real repodata trees. */
export const repodataDir = path.join(fixturesDir, "real-repodata");

/**
 * Whether the shared fixtures are present. Without them tests skip (with a message) unless
 * `CI` is set, in which case they fail loudly.
 */
export function haveFixtures(): boolean {
  if (existsSync(repodataDir)) return true;
  if (process.env.CI) throw new Error(`shared fixtures missing at ${repodataDir} (required in CI)`);
  console.warn(`skipping: shared fixtures not found at ${repodataDir}`);
  return false;
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = "grove-repo-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when an executable is on PATH. */
export function haveTool(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** One package as Python's ElementTree reads it from primary.xml (the independent oracle). */
export interface OraclePackage {
  name: string;
  arch: string;
  epoch: string | null;
  ver: string | null;
  rel: string | null;
  checksumType: string;
  checksum: string;
  href: string;
  base: string | null;
  packageSize: string | null;
  installedSize: string | null;
  summary: string | null;
  sourcerpm: string | null;
  deps: Record<string, Array<[string, string | null, string | null, string | null, string | null, string | null]>>;
  files: Array<[string, string | null]>;
}

const ORACLE_SCRIPT = String.raw`
import json, subprocess, sys, xml.etree.ElementTree as ET
path = sys.argv[1]
raw = open(path, "rb").read()
if raw[:2] == b"\x1f\x8b":
    import gzip; raw = gzip.decompress(raw)
elif raw[:6] == b"\xfd7zXZ\x00":
    import lzma; raw = lzma.decompress(raw)
elif raw[:3] == b"BZh":
    import bz2; raw = bz2.decompress(raw)
elif raw[:4] == b"\x28\xb5\x2f\xfd":
    raw = subprocess.run(["zstd", "-dc"], input=raw, capture_output=True, check=True).stdout
C = "{http://linux.duke.edu/metadata/common}"
R = "{http://linux.duke.edu/metadata/rpm}"
X = "{http://www.w3.org/XML/1998/namespace}"
out = []
for p in ET.fromstring(raw).findall(C + "package"):
    v = p.find(C + "version"); ck = p.find(C + "checksum"); loc = p.find(C + "location")
    size = p.find(C + "size"); fmt = p.find(C + "format")
    deps = {}
    files = []
    src = None
    if fmt is not None:
        for kind in ["provides", "requires", "conflicts", "obsoletes", "recommends", "suggests", "supplements", "enhances"]:
            el = fmt.find(R + kind)
            if el is not None:
                deps[kind] = [[e.get("name"), e.get("flags"), e.get("epoch"), e.get("ver"), e.get("rel"), e.get("pre")] for e in el.findall(R + "entry")]
        files = [[f.text, f.get("type")] for f in fmt.findall(C + "file")]
        s = fmt.find(R + "sourcerpm"); src = s.text if s is not None else None
    out.append({"name": p.findtext(C + "name"), "arch": p.findtext(C + "arch"),
        "epoch": v.get("epoch"), "ver": v.get("ver"), "rel": v.get("rel"),
        "checksumType": ck.get("type"), "checksum": ck.text,
        "href": loc.get("href"), "base": loc.get(X + "base"),
        "packageSize": size.get("package") if size is not None else None,
        "installedSize": size.get("installed") if size is not None else None,
        "summary": p.findtext(C + "summary"), "sourcerpm": src, "deps": deps, "files": files})
json.dump(out, sys.stdout)
`;

/**
 * Read a primary.xml(.gz/.xz/.bz2/.zst) with Python's ElementTree: an independent parser to compare against.
 *
 * @param file - path of the primary file
 */
export function oraclePrimary(file: string): OraclePackage[] {
  const json = execFileSync("python3", ["-c", ORACLE_SCRIPT, file], { maxBuffer: 1 << 30, encoding: "utf8" });
  return JSON.parse(json) as OraclePackage[];
}

/** The `[epoch:]version[-release]` text expected for metadata attributes (epoch 0 left out). */
export function expectedEvr(epoch: string | null, ver: string | null, rel: string | null): string {
  const e = epoch !== null && epoch !== "" && !/^0+$/.test(epoch) ? `${epoch}:` : "";
  return `${e}${ver ?? ""}${rel !== null && rel !== "" ? `-${rel}` : ""}`;
}

/** RPMSENSE bits expected for a metadata `flags` word and `pre` attribute. */
export function expectedFlags(flags: string | null, pre: string | null): number {
  const bits: Record<string, number> = { EQ: 8, LT: 2, GT: 4, LE: 10, GE: 12 };
  return (flags === null ? 0 : (bits[flags] ?? -1)) | (pre === "1" ? 64 : 0);
}

/** A metadata file to put in a test repository. */
export interface TestMetadataFile {
  /** repomd type (`primary`, `filelists`, ...). */
  type: string;
  /** Uncompressed content. */
  content: string | Buffer;
  /** Compression (default gzip; xz, bzip2 and zstd use the command-line tools). */
  compression?: "gzip" | "xz" | "bzip2" | "zstd" | "none";
  /** Override the checksum written into repomd.xml. */
  checksum?: string;
  /** Override the open-checksum written into repomd.xml (`null` leaves it out). */
  openChecksum?: string | null;
  /** Checksum algorithm for repomd.xml (default sha256). */
  checksumType?: "sha1" | "sha256" | "sha512";
}

/**
 * Write a repository (repodata/repomd.xml plus the given metadata files, named by checksum) into `dir`.
 *
 * @param dir - target directory
 * @param files - metadata files
 * @returns the repomd.xml text
 */
export function writeTestRepo(dir: string, files: readonly TestMetadataFile[]): string {
  mkdirSync(path.join(dir, "repodata"), { recursive: true });
  const entries = files.map((file) => {
    const raw = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content, "utf8");
    const compression = file.compression ?? "gzip";
    const stored =
      compression === "none"
        ? raw
        : compression === "gzip"
          ? gzipSync(raw)
          : execFileSync(compression, ["-c"], { input: raw, maxBuffer: 1 << 30 });
    const type = file.checksumType ?? "sha256";
    const sum = createHash(type).update(stored).digest("hex");
    const suffix = { none: "", gzip: ".gz", xz: ".xz", bzip2: ".bz2", zstd: ".zst" }[compression];
    const href = `repodata/${sum}-${file.type}.xml${suffix}`;
    writeFileSync(path.join(dir, href), stored);
    const open = file.openChecksum === undefined ? createHash(type).update(raw).digest("hex") : file.openChecksum;
    return [
      `  <data type="${file.type}">`,
      `    <checksum type="${type}">${file.checksum ?? sum}</checksum>`,
      open === null ? "" : `    <open-checksum type="${type}">${open}</open-checksum>`,
      `    <location href="${href}"/>`,
      `    <size>${stored.length}</size>`,
      "  </data>",
    ].join("\n");
  });
  const repomd = `<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.edu/metadata/repo">\n  <revision>1</revision>\n${entries.join("\n")}\n</repomd>\n`;
  writeFileSync(path.join(dir, "repodata/repomd.xml"), repomd);
  return repomd;
}
