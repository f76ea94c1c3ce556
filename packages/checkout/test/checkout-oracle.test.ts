/**
 * Real packages checked out by an unprivileged user, compared path by path with rpm's own
 * extraction (`rpm2cpio | cpio -idm`): types, permission bits, symlink targets, content; `/etc` mirrored
 * at `/usr/etc`; writable areas made of copies, everything else hard-linked to the store.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rpmFilesUnder } from "../../../test/helpers/real-rpm-fixtures.js";
import { compareWithReference, objectInodes, readTree } from "./helpers/checkout-tree.js";
import {
  fixturesSkipReason,
  removeUserDirs,
  runOk,
  sharedDir,
  unprivilegedSkipReason,
  userDir,
} from "./helpers/checkout-user.js";

const skip = fixturesSkipReason() || unprivilegedSkipReason();
if (skip !== "") console.warn(`checkout-oracle.test.ts skipped: ${skip}`);

interface Imported {
  file: string;
  commitId?: string;
  nevra?: string;
  sha256?: string;
  error?: string;
}

/** rpm's own extraction of a package; undefined when rpm2cpio cannot read it (e.g. RPM v6 only features). */
function extract(file: string, dest: string): boolean {
  mkdirSync(dest, { recursive: true });
  const r = spawnSync("sh", ["-c", 'rpm2cpio "$1" | cpio -idm --quiet --no-absolute-filenames', "sh", file], {
    cwd: dest,
    encoding: "utf8",
  });
  return r.status === 0;
}

describe.skipIf(skip !== "")("checkout of real packages, as an unprivileged user, against rpm2cpio", () => {
  let work: string;
  let store: string;
  let imported: Imported[];

  beforeAll(async () => {
    work = userDir("oracle");
    store = path.join(work, "grove");
    const [result] = await runOk<Imported[]>(store, [
      { op: "importRpms", files: rpmFilesUnder(path.join(sharedDir, "real-rpms")), tolerant: true },
    ]);
    imported = result!.filter((p) => p.commitId !== undefined);
    const steps = imported.map((p, i) => ({
      op: "checkout",
      packages: [p],
      dest: path.join(work, "roots", String(i)),
    }));
    mkdirSync(path.join(work, "roots"));
    spawnSync("chown", ["65534:65534", path.join(work, "roots")]);
    const results = await runOk<{ stats: { elapsedMs: number; entries: number } }>(store, steps);
    const ms = results.map((r) => r.stats.elapsedMs);
    console.log(
      `checked out ${results.length} fixture packages one by one (${results.reduce((n, r) => n + r.stats.entries, 0)} entries): ` +
        `${Math.round(ms.reduce((a, b) => a + b, 0))} ms in all, at most ${Math.round(Math.max(...ms))} ms for one`,
    );
  }, 600_000);

  afterAll(removeUserDirs);

  it("imports most fixtures (the broken ones are refused)", () => {
    expect(imported.length).toBeGreaterThan(100);
  });

  it("gives every package the same tree as rpm2cpio | cpio, with /etc also at /usr/etc", () => {
    const failures: string[] = [];
    let compared = 0;
    let paths = 0;
    imported.forEach((p, i) => {
      const reference = path.join(work, "cpio", String(i));
      if (!extract(p.file, reference)) return;
      const want = readTree(reference);
      const got = readTree(path.join(work, "roots", String(i)));
      const implied = (rel: string) => rel === "usr" && !want.has("usr");
      const { differences, extra } = compareWithReference(want, got, { ignore: implied });
      compared++;
      paths += want.size;
      if (differences.length > 0 || extra.length > 0) {
        failures.push(
          `${p.nevra}: ${[...differences, ...extra.map((e) => `${e}: not in the package`)].slice(0, 5).join("; ")}`,
        );
      }
    });
    console.log(`compared ${compared} packages, ${paths} paths with rpm2cpio`);
    expect(compared).toBeGreaterThan(90);
    expect(failures).toEqual([]);
  });

  it("hard-links every file outside /etc and /var to its store object, and copies those inside", () => {
    const inodes = objectInodes(store);
    const linked: string[] = [];
    const notLinked: string[] = [];
    let files = 0;
    imported.forEach((_, i) => {
      for (const [rel, node] of readTree(path.join(work, "roots", String(i)), { hash: false })) {
        if (node.type !== "file") continue;
        files++;
        const writable = rel.startsWith("etc/") || rel.startsWith("var/");
        if (writable && (inodes.has(node.ino!) || node.nlink !== 1)) linked.push(`${i}/${rel}`);
        if (!writable && !inodes.has(node.ino!)) notLinked.push(`${i}/${rel}`);
      }
    });
    expect(files).toBeGreaterThan(500);
    expect(linked).toEqual([]);
    expect(notLinked).toEqual([]);
  });
});
