/**
 * The rpmdb index rules on packages made for them, with `rpm -i --justdb` as the oracle: a package rpmbuild makes
 * from a spec full of rich dependencies (if/unless/else, with/without, nested), install-only and erase requires,
 * repeated trigger names, file triggers and a relocation prefix; a subpackage without files; and hand-made headers
 * without GROUP or SOURCERPM (rpm indexes `Unknown`, and adds SOURCERPM `(none)`).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SigTag, TagType } from "@grove/rpm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildHeaderBlob, buildRpm, packageEntries, withMagic } from "../../rpm/test/header-builder.js";
import { installRpmdb, type RpmdbPackage, writeRpmdb } from "../src/rpmdb/index.js";
import {
  blobsByNevra,
  chownToUser,
  type FixturePackage,
  makeUserDir,
  ORACLE_EPOCH,
  oracleSkipReason,
  readFixtures,
  readRpmdb,
  rowsByPackage,
  rpmInRoot,
  rpmInstallTimes,
  rpmInstances,
  rpmJustdb,
} from "./rpmdb-helpers.js";

const skipReason = oracleSkipReason("rpmdb-built.test.ts");
const DB = "usr/lib/sysimage/rpm/rpmdb.sqlite";
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SPEC = `Name: grove-rpmdb-probe
Version: 1.0
Release: 1
Summary: Probe package for grove's rpmdb writer
License: MIT
BuildArch: noarch
Prefix: /opt/probe
Requires: (alpha if beta else gamma)
Requires: (nu2 or (delta unless epsilon else sigma))
Requires: ((zeta and eta) or theta)
Requires: (iota with kappa)
Requires: (lambda without mu)
Requires: (nu and (xi if omicron))
Requires(pre): pre-only
Requires(post): post-only
Requires(preun): preun-only
Requires(pre,preun): pre-and-preun
Requires(pretrans): pretrans-only
Requires(posttrans): posttrans-only
Requires(meta): meta-only
Requires: plain >= 1.0
Recommends: (rec1 if rec2)
Suggests: (sug1 or sug2)
Supplements: (sup1 and sup2)
Enhances: (enh1 unless enh2)
Conflicts: (con1 and con2)
Conflicts: (con3 unless con4)
Obsoletes: old-probe < 1.0
Provides: probe-cap = 1.0

%description
Exercises the rpmdb index rules.

%package empty
Summary: A subpackage without files
Requires: (pi or rho)
%description empty
No files.

%install
mkdir -p %{buildroot}/opt/probe/share %{buildroot}/opt/probe/lib
echo hi > %{buildroot}/opt/probe/share/a
echo lib > %{buildroot}/opt/probe/lib/b

%triggerin -- trigpkg
true
%triggerun -- trigpkg
true
%triggerin -- otherpkg
true
%filetriggerin -- /opt/probe/share
true
%transfiletriggerin -- /opt/probe/lib
true
%pre
true
%post
true

%files
/opt/probe

%files empty
`;

/** Decodes `type hexkey idx` rows into readable `key idx` (text keys only). */
function readable(rows: string[] | undefined): string[] {
  return (rows ?? []).map((r) => {
    const [type, hex, idx] = r.split(" ");
    return `${type === "text" ? Buffer.from(hex as string, "hex").toString("latin1") : hex} ${idx}`;
  });
}

describe.skipIf(skipReason !== "")("rpmdb index rules on purpose-built packages, against rpm -i --justdb", () => {
  let packages: FixturePackage[] = [];
  let ours: Map<string, Map<string, string[]>>;
  let theirs: Map<string, Map<string, string[]>>;
  let ourBlobs: Map<string, string>;
  let theirBlobs: Map<string, string>;

  beforeAll(async () => {
    const work = makeUserDir("grove-rpmdb-built-");
    dirs.push(work);
    const topdir = path.join(work, "rpmbuild");
    mkdirSync(path.join(topdir, "SPECS"), { recursive: true });
    writeFileSync(path.join(topdir, "SPECS/probe.spec"), SPEC);
    const build = spawnSync(
      "rpmbuild",
      ["-bb", "--define", `_topdir ${topdir}`, path.join(topdir, "SPECS/probe.spec")],
      { encoding: "utf8" },
    );
    if (build.status !== 0) throw new Error(`rpmbuild failed: ${build.stderr}`);
    const built = ["grove-rpmdb-probe-1.0-1.noarch.rpm", "grove-rpmdb-probe-empty-1.0-1.noarch.rpm"].map((f) =>
      path.join(topdir, "RPMS/noarch", f),
    );

    // Hand-made: no GROUP, no SOURCERPM, one file (so FILESTATES too), epoch 0; an MD5 so rpm -K is content.
    const header = packageEntries([
      { tag: 1000, type: TagType.STRING, value: "grove-handmade" },
      { tag: 1003, type: TagType.INT32, value: [0] },
      { tag: 1004, type: TagType.I18NSTRING, value: ["hand-made"] },
      { tag: 1021, type: TagType.STRING, value: "linux" },
      { tag: 1028, type: TagType.INT32, value: [3] },
      { tag: 1030, type: TagType.INT16, value: [0o100644] },
      { tag: 1039, type: TagType.STRING_ARRAY, value: ["root"] },
      { tag: 1040, type: TagType.STRING_ARRAY, value: ["root"] },
      { tag: 1116, type: TagType.INT32, value: [0] },
      { tag: 1117, type: TagType.STRING_ARRAY, value: ["hand.txt"] },
      { tag: 1118, type: TagType.STRING_ARRAY, value: ["/opt/hand/"] },
    ]).filter((e) => e.tag !== 1044);
    const payload = Uint8Array.from([0x1f, 0x8b]);
    const headerBytes = withMagic(buildHeaderBlob(header, { regionTag: 63 }));
    const md5 = createHash("md5").update(headerBytes).update(payload).digest();
    const handMade = buildRpm({ header, payload, signature: [{ tag: SigTag.MD5, type: TagType.BIN, value: md5 }] });
    const handMadeFile = path.join(work, "grove-handmade-1.0-1.x86_64.rpm");
    writeFileSync(handMadeFile, handMade.file);
    chownToUser(work);

    packages = await readFixtures([...built, handMadeFile]);
    expect(packages.map((p) => p.nevra)).toEqual([
      "grove-rpmdb-probe-1.0-1.noarch",
      "grove-rpmdb-probe-empty-1.0-1.noarch",
      "grove-handmade-0:1.0-1.x86_64",
    ]);

    const rpmRoot = makeUserDir("grove-rpmdb-built-rpm-");
    dirs.push(rpmRoot);
    rpmJustdb(
      rpmRoot,
      packages.map((p) => p.file),
    );
    const { times, tid } = rpmInstallTimes(rpmRoot);
    expect(tid).toBe(ORACLE_EPOCH);

    const ourRoot = makeUserDir("grove-rpmdb-built-ours-");
    dirs.push(ourRoot);
    const input: RpmdbPackage[] = packages.map((p) => ({
      headerBytes: p.headers.headerBytes,
      signatureBytes: p.signatureBytes,
      installTime: times.get(p.nevra) as number,
      subject: p.file,
    }));
    await writeRpmdb(path.join(ourRoot, "db.sqlite"), input, { installTid: tid });
    await installRpmdb(ourRoot, readFileSync(path.join(ourRoot, "db.sqlite")));
    chownToUser(ourRoot);

    const ourNevras = rpmInstances(ourRoot);
    const rpmNevras = rpmInstances(rpmRoot);
    const ourContent = await readRpmdb(path.join(ourRoot, DB));
    const rpmContent = await readRpmdb(path.join(rpmRoot, DB));
    ours = rowsByPackage(ourContent, ourNevras);
    theirs = rowsByPackage(rpmContent, rpmNevras);
    ourBlobs = blobsByNevra(ourContent, ourNevras);
    theirBlobs = blobsByNevra(rpmContent, rpmNevras);
  });

  it("writes the same header blobs as rpm, byte for byte", () => {
    expect(ourBlobs.size).toBe(3);
    expect(ourBlobs).toEqual(theirBlobs);
  });

  it("writes the same rows in every index table as rpm", () => {
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [table, rows] of theirs) expect(ours.get(table), table).toEqual(rows);
  });

  it("indexes rich dependencies under their parts, negating conditions, and leaves out install-only requires", () => {
    const requires = readable(ours.get("Requirename")?.get("grove-rpmdb-probe-1.0-1.noarch"));
    const keys = requires.map((r) => r.slice(0, r.lastIndexOf(" ")));
    // (alpha if beta else gamma): alpha, the condition negated, the else branch with the condition restored.
    expect(keys).toEqual(expect.arrayContaining(["(alpha if beta else gamma)", "alpha", "!beta", "beta", "gamma"]));
    expect(keys).toEqual(expect.arrayContaining(["(iota with kappa)", "iota", "kappa", "lambda", "mu"]));
    expect(keys).toEqual(expect.arrayContaining(["zeta", "eta", "theta", "nu", "xi", "!omicron"]));
    // Erase-time, meta and interpreter requires stay; install-only ones (pre, post, pretrans, posttrans, rpmlib) go.
    expect(keys).toEqual(expect.arrayContaining(["preun-only", "pre-and-preun", "meta-only", "plain", "/bin/sh"]));
    for (const gone of ["pre-only", "post-only", "pretrans-only", "posttrans-only", "rpmlib(RichDependencies)"]) {
      expect(keys).not.toContain(gone);
    }
    // Components share the idx of the rich dependency they come from.
    const richIdx = requires
      .find((r) => r.startsWith("(alpha if"))
      ?.split(" ")
      .pop();
    expect(requires).toContain(`alpha ${richIdx}`);
    // Three trigger entries (trigpkg twice): each name is indexed once, at its first position.
    const probe = packages[0] as FixturePackage;
    expect(probe.headers.header.getStrings(1066)).toEqual(["otherpkg", "trigpkg", "trigpkg"]);
    expect(readable(ours.get("Triggername")?.get("grove-rpmdb-probe-1.0-1.noarch"))).toEqual([
      "otherpkg 0",
      "trigpkg 1",
    ]);
    expect(readable(ours.get("Enhancename")?.get("grove-rpmdb-probe-1.0-1.noarch"))).toEqual([
      "(enh1 unless enh2) 0",
      "enh1 0",
      "!enh2 0",
    ]);
  });

  it("adds what rpm adds at install: INSTPREFIXES, SOURCERPM (none), Group Unknown, no FILESTATES without files", () => {
    const ourRoot = dirs[2] as string;
    const q = rpmInRoot(ourRoot, [
      "-qa",
      "--qf",
      "%{NAME} prefixes=[%{INSTPREFIXES}] src=%{SOURCERPM} group=%{GROUP} states=[%{FILESTATES}]\\n",
    ]);
    expect(q.stderr).toBe("");
    expect(q.stdout.split("\n").sort()).toEqual([
      "",
      "grove-handmade prefixes= src=(none) group=(none) states=0",
      "grove-rpmdb-probe prefixes=/opt/probe src=grove-rpmdb-probe-1.0-1.src.rpm group=Unspecified states=00000",
      "grove-rpmdb-probe-empty prefixes= src=grove-rpmdb-probe-1.0-1.src.rpm group=Unspecified states=",
    ]);
    expect(readable(ours.get("Group")?.get("grove-handmade-0:1.0-1.x86_64"))).toEqual(["Unknown 0"]);
  });
});
