import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixturesAvailable, realRpmsDir, runCli, runTool } from "./run-cli.js";

const haveFixtures = fixturesAvailable();

/** Packages checked field by field against `rpm -qp`: gzip/xz/zstd/none payloads, md5 and sha256 digests,
 * an epoch, config/noreplace/ghost files, symlinks, lua scriptlets, weak and rich dependencies, triggers. */
const ORACLE_PACKAGES = [
  "rpm/RPMS/hello-2.0-1.x86_64.rpm",
  "cavaliergopher-rpm/centos-release-3.1-1.i386.rpm",
  "go-rpmutils/crypto-policies-20210617-1.gitc776d3e.el8.noarch.rpm",
  "go-rpmutils/payload-test-0.1-w3.zstdio.x86_64.rpm",
  "rpm-rs/test_assets/rpm-feature-coverage-2.3.4-5.el8.x86_64.rpm",
];

const DEPENDENCY_OPTIONS = [
  "requires",
  "provides",
  "conflicts",
  "obsoletes",
  "recommends",
  "suggests",
  "supplements",
  "enhances",
] as const;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const GHOST = 1 << 6;

/** The bit of each flag name `grove inspect --json` prints (rpm's RPMFILE_* values). */
const FLAG_BITS: Record<string, number> = {
  config: 1 << 0,
  doc: 1 << 1,
  icon: 1 << 2,
  missingok: 1 << 3,
  noreplace: 1 << 4,
  specfile: 1 << 5,
  ghost: 1 << 6,
  license: 1 << 7,
  readme: 1 << 8,
  pubkey: 1 << 11,
  artifact: 1 << 12,
};

interface InspectJson {
  file: string;
  nevra: string;
  name: string;
  epoch: number | null;
  version: string;
  release: string;
  arch: string;
  summary: string;
  license: string;
  payloadCompressor: string;
  files: {
    path: string;
    mode: number;
    size: number;
    user: string;
    group: string;
    digest: string;
    linkTo: string;
    flags: string[];
  }[];
  scripts: { kind: string; interpreter: string[]; body: string }[];
  verified: { header: string[]; payload: string[]; fileDigests: number } | null;
  [kind: string]: unknown;
}

function rpmQuery(file: string, ...args: string[]): string {
  return runTool("rpm", ["-qp", "--nosignature", "--nodigest", ...args, file]);
}

function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}

function inspectJson(file: string, ...extra: string[]): InspectJson {
  const run = runCli(["inspect", file, "--json", ...extra]);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as InspectJson;
}

/** The digests `rpm -Kv` reports as OK, in grove's names (`sha256`, `header+payload md5`, ...). */
function rpmVerifiedDigests(file: string): { header: string[]; payload: string[] } {
  const out = runTool("rpm", ["-Kv", "--nosignature", file]);
  const header: string[] = [];
  const payload: string[] = [];
  for (const line of lines(out)) {
    const match = /^\s*(Header|Payload)? ?(SHA1|SHA256|SHA3-256|SHA512|MD5) (ALT )?digest: OK$/.exec(line);
    if (match === null) continue;
    const algorithm = (match[2] ?? "").toLowerCase();
    if (match[1] === "Header") header.push(algorithm);
    else if (match[1] === "Payload") payload.push(match[3] ? `uncompressed ${algorithm}` : algorithm);
    else payload.push("header+payload md5");
  }
  return { header, payload };
}

describe.skipIf(!haveFixtures)("grove inspect on real packages", () => {
  describe.each(ORACLE_PACKAGES)("%s", (relative) => {
    const file = path.join(realRpmsDir, relative);

    it("--json matches rpm's NEVRA fields, summary, license and payload compressor", () => {
      const json = inspectJson(file);
      const [name, epoch, version, release, arch, summary, license, compressor, nevra] = rpmQuery(
        file,
        "--qf",
        "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SUMMARY}\\t%{LICENSE}\\t%{PAYLOADCOMPRESSOR}\\t%{NEVRA}",
      ).split("\t");
      expect(json.file).toBe(file);
      expect(json.name).toBe(name);
      expect(json.epoch).toBe(epoch === "(none)" ? null : Number(epoch));
      expect(json.version).toBe(version);
      expect(json.release).toBe(release);
      expect(json.arch).toBe(arch);
      expect(json.summary).toBe(summary);
      expect(json.license).toBe(license);
      expect(json.nevra).toBe(nevra);
      // rpm assumes gzip when the tag is absent; grove reports what the payload's magic bytes say.
      if (compressor !== "(none)") expect(json.payloadCompressor).toBe(compressor);
    });

    it("--json dependencies are rpm's --requires/--provides/... lines, in order", () => {
      const json = inspectJson(file);
      for (const kind of DEPENDENCY_OPTIONS) {
        expect({ kind, deps: json[kind] }).toEqual({ kind, deps: lines(rpmQuery(file, `--${kind}`)) });
      }
    });

    it("--json files match rpm's file list: path, mode, size, owner, digest, link, flags", () => {
      const json = inspectJson(file);
      const expected = lines(
        rpmQuery(
          file,
          "--qf",
          "[%{FILENAMES}\\t%{FILEMODES}\\t%{LONGFILESIZES}\\t%{FILEUSERNAME}\\t%{FILEGROUPNAME}\\t%{FILEDIGESTS}\\t%{FILELINKTOS}\\t%{FILEFLAGS}\\n]",
        ),
      ).map((line) => {
        const [filePath, mode, size, user, group, digest, linkTo, flags] = line.split("\t");
        return {
          path: filePath,
          mode: Number(mode),
          size: Number(size),
          user,
          group,
          digest,
          linkTo,
          flags: Number(flags),
        };
      });
      const actual = json.files.map((f) => ({
        ...f,
        flags: f.flags.reduce((bits, name) => bits | (FLAG_BITS[name] ?? Number.NaN), 0),
      }));
      expect(actual).toEqual(expected);
    });

    it("--json scripts carry rpm's scriptlet bodies and interpreters", () => {
      const json = inspectJson(file);
      const tags: [string, string, string][] = [
        ["pre", "PREIN", "PREINPROG"],
        ["post", "POSTIN", "POSTINPROG"],
        ["preun", "PREUN", "PREUNPROG"],
        ["postun", "POSTUN", "POSTUNPROG"],
        ["pretrans", "PRETRANS", "PRETRANSPROG"],
        ["posttrans", "POSTTRANS", "POSTTRANSPROG"],
      ];
      for (const [kind, bodyTag, progTag] of tags) {
        const body = rpmQuery(file, "--qf", `%{${bodyTag}}`);
        const prog = lines(rpmQuery(file, "--qf", `[%{${progTag}}\\n]`));
        const script = json.scripts.find((s) => s.kind === kind);
        if (body === "(none)" && prog.length === 0) {
          expect(script).toBeUndefined();
          continue;
        }
        expect(script, kind).toBeDefined();
        expect(script?.body ?? "").toBe(body === "(none)" ? "" : body);
        if (prog.length > 0) expect(script?.interpreter).toEqual(prog);
      }
    });

    it("verifies every digest rpm -K checks, and every file digest", () => {
      const json = inspectJson(file);
      const fromRpm = rpmVerifiedDigests(file);
      expect(json.verified).not.toBeNull();
      expect([...(json.verified?.header ?? [])].sort()).toEqual([...fromRpm.header].sort());
      // rpm 4.18's -K checks PAYLOADDIGESTALT only when the payload is not compressed; grove always does.
      const payload = json.verified?.payload ?? [];
      expect(payload).toEqual(expect.arrayContaining(fromRpm.payload));
      const hasAlt = rpmQuery(file, "--qf", "%{PAYLOADDIGESTALT}") !== "(none)";
      expect(payload.filter((name) => !fromRpm.payload.includes(name))).toEqual(
        hasAlt && !fromRpm.payload.some((name) => name.startsWith("uncompressed ")) ? ["uncompressed sha256"] : [],
      );
      const withDigest = lines(rpmQuery(file, "--qf", "[%{FILEMODES}\\t%{FILEFLAGS}\\t%{FILEDIGESTS}\\n]")).filter(
        (line) => {
          const [mode, flags, digest] = line.split("\t");
          return (Number(mode) & S_IFMT) === S_IFREG && (Number(flags) & GHOST) === 0 && digest !== "";
        },
      );
      expect(json.verified?.fileDigests).toBe(withDigest.length);
    });

    it("prints a human summary with rpm -qpi's fields and what was verified", () => {
      const run = runCli(["inspect", file]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const qpi = rpmQuery(file, "--qf", "%{NAME}\\n%{VERSION}\\n%{RELEASE}\\n%{ARCH}\\n%{LICENSE}\\n%{SUMMARY}\\n");
      const [name, version, release, arch, license, summary] = lines(qpi);
      expect(run.stdout).toContain(`Name        : ${name}\n`);
      expect(run.stdout).toContain(`Version     : ${version}\n`);
      expect(run.stdout).toContain(`Release     : ${release}\n`);
      expect(run.stdout).toContain(`Architecture: ${arch}\n`);
      expect(run.stdout).toContain(`License     : ${license}\n`);
      expect(run.stdout).toContain(`Summary     : ${summary}\n`);
      const requires = lines(rpmQuery(file, "--requires")).length;
      expect(run.stdout).toMatch(new RegExp(`^Dependencies: ${requires} requires, `, "m"));
      const fileCount = lines(rpmQuery(file, "--qf", "[%{FILENAMES}\\n]")).length;
      expect(run.stdout).toContain(`Files       : ${fileCount}\n`);
      expect(run.stdout).toMatch(
        /^Verified {4}: (header |no header digest).*; (payload |no payload digest).*; \d+ file digests?/m,
      );
    });
  });

  it("prints exactly one JSON object for a package with many files", () => {
    const run = runCli(["inspect", path.join(realRpmsDir, "rpmlint/binutils-devel-2.32-351.1.x86_64.rpm"), "--json"]);
    expect(run.status).toBe(0);
    const parsed = JSON.parse(run.stdout) as InspectJson;
    expect(parsed.name).toBe("binutils-devel");
    expect(parsed.files.length).toBeGreaterThan(10);
  });
});

describe.skipIf(!haveFixtures)("grove inspect on bad input", () => {
  const work = mkdtempSync(path.join(tmpdir(), "grove-cli-inspect-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** A copy of `relative` with the first occurrence of `needle` changed in one byte. */
  function corruptCopy(relative: string, needle: string, name: string): string {
    const bytes = readFileSync(path.join(realRpmsDir, relative));
    const at = bytes.indexOf(Buffer.from(needle, "latin1"));
    expect(at, `${needle} in ${relative}`).toBeGreaterThan(0);
    bytes[at] = (bytes[at] ?? 0) ^ 0x20;
    const target = path.join(work, name);
    writeFileSync(target, bytes);
    return target;
  }

  it("a flipped byte in a file's content fails with an error naming the file; --no-verify reads it", () => {
    // Uncompressed payload: "Some data\n" is the content of /usr/share/payload-test.txt.
    const bad = corruptCopy("go-rpmutils/payload-test-0.1-w.ufdio.x86_64.rpm", "Some data\n", "content-flip.rpm");

    const text = runCli(["inspect", bad]);
    expect(text.status).toBe(1);
    expect(text.stdout).toBe("");
    expect(text.stderr.startsWith(`grove: ${bad}`)).toBe(true);
    expect(text.stderr).toContain("digest");

    const json = runCli(["inspect", bad, "--json"]);
    expect(json.status).toBe(1);
    expect(json.stdout).toBe("");
    const error = (JSON.parse(json.stderr) as { error: { code: string; message: string; subject?: string } }).error;
    expect(error.code).toMatch(/^RPM_[A-Z_]*DIGEST_MISMATCH$/);
    expect(error.message).toContain(bad);

    const unverified = runCli(["inspect", bad, "--no-verify"]);
    expect(unverified.status).toBe(0);
    expect(unverified.stdout).toContain("Name        : payload-test\n");
    expect(unverified.stdout).toContain("Verified    : no (--no-verify)\n");
    const unverifiedJson = JSON.parse(runCli(["inspect", bad, "--no-verify", "--json"]).stdout) as InspectJson;
    expect(unverifiedJson.verified).toBeNull();
  });

  it("a flipped byte in the header fails the header digest check", () => {
    const bad = corruptCopy("rpm/RPMS/hello-2.0-1.x86_64.rpm", "hello, world rpm", "header-flip.rpm");
    const run = runCli(["inspect", bad, "--json"]);
    expect(run.status).toBe(1);
    const error = (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("RPM_DIGEST_MISMATCH");
    expect(error.message).toContain(bad);
    // Without verification the changed summary is read as it is.
    const unverified = inspectJson(bad, "--no-verify");
    expect(unverified.summary).toBe("hello -- Hello, world rpm");
  });

  it("a truncated package fails with an error naming the file", () => {
    const bytes = readFileSync(path.join(realRpmsDir, "go-rpmutils/payload-test-0.1-w6.xzdio.x86_64.rpm"));
    const bad = path.join(work, "truncated.rpm");
    writeFileSync(bad, bytes.subarray(0, bytes.length - 100));
    const run = runCli(["inspect", bad]);
    expect(run.status).toBe(1);
    expect(run.stderr.startsWith(`grove: ${bad}: `)).toBe(true);
  });

  it("a file that is not an RPM fails with RPM_BAD_MAGIC", () => {
    const notRpm = path.join(work, "not-an.rpm");
    copyFileSync(path.join(realRpmsDir, "RPM-QUERY-OUTPUT.txt"), notRpm);
    const run = runCli(["inspect", notRpm, "--json"]);
    expect(run.status).toBe(1);
    const error = (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("RPM_BAD_MAGIC");
    expect(error.message).toContain(notRpm);
  });

  it("a missing file exits 1 with an error naming it, in text and JSON", () => {
    const missing = path.join(work, "does-not-exist.rpm");
    const text = runCli(["inspect", missing]);
    expect(text.status).toBe(1);
    expect(text.stderr).toMatch(new RegExp(`^grove: ${missing.replaceAll(".", "\\.")}: .*no such file`, "i"));
    const json = runCli(["inspect", missing, "--json"]);
    expect(json.status).toBe(1);
    const error = (JSON.parse(json.stderr) as { error: { code: string; subject?: string } }).error;
    expect(error.code).toMatch(/^RPM_/);
    expect(error.subject).toBe(missing);
  });

  it("a directory is reported as an error, not a crash", () => {
    const run = runCli(["inspect", work, "--json"]);
    expect(run.status).toBe(1);
    const error = (JSON.parse(run.stderr) as { error: { code: string; message: string } }).error;
    expect(error.code).not.toBe("INTERNAL_ERROR");
    expect(error.message).toContain(work);
  });
});
