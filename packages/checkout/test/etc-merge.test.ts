/**
 * Three-way merge of /etc (and /var) on upgrade, as an unprivileged user, with rpm's %config rules:
 * old defaults (generation 1's packages), the user's files (generation 1's /etc), new defaults
 * (generation 2's packages).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AreaMergeReport } from "../src/index.js";
import {
  CONFIG,
  dir,
  file,
  GHOST,
  NOREPLACE,
  type SyntheticEntry,
  type SyntheticPackage,
  symlink,
} from "./helpers/checkout-packages.js";
import { removeUserDirs, runOk, unprivilegedSkipReason, userDir } from "./helpers/checkout-user.js";

const skip = unprivilegedSkipReason();
if (skip !== "") console.warn(`etc-merge.test.ts skipped: ${skip}`);

function confPackage(version: 1 | 2): SyntheticPackage {
  const v = (a: string, b: string) => (version === 1 ? a : b);
  const entries: SyntheticEntry[] = [
    dir("/etc"),
    dir("/etc/app.d"),
    file("/etc/untouched.conf", v("u1\n", "u2\n"), 0o644, NOREPLACE),
    file("/etc/kept.conf", "k1\n", 0o644, NOREPLACE),
    file("/etc/noreplace.conf", v("n1\n", "n2\n"), 0o644, NOREPLACE),
    file("/etc/plain.conf", v("p1\n", "p2\n"), 0o644, CONFIG),
    file("/etc/deleted.conf", "e1\n", 0o644, NOREPLACE),
    file("/etc/deleted-changed.conf", v("f1\n", "f2\n"), 0o644, NOREPLACE),
    file("/etc/shadow", v("s1\n", "s2\n"), 0o000, NOREPLACE),
    file("/etc/nonconfig.txt", v("c1\n", "c2\n"), 0o644),
    file("/etc/app.d/default.conf", "d\n", 0o644, NOREPLACE),
    dir("/etc/plug.d"),
    file("/etc/plug.d/default.conf", v("q1\n", "q2\n"), 0o644, NOREPLACE),
    { path: "/etc/ghost.log", type: "file", mode: 0o600, flags: GHOST },
    symlink("/etc/link", "untouched.conf"),
    dir("/var"),
    dir("/var/lib"),
    dir("/var/lib/app", 0o750),
    file("/var/lib/app/data", v("v1\n", "v2\n"), 0o600),
    file("/var/lib/app/seed", "seed\n", 0o600),
  ];
  if (version === 1) {
    entries.push(file("/etc/dropped.conf", "x1\n", 0o644, NOREPLACE));
    entries.push(file("/etc/dropped-mod.conf", "y1\n", 0o644, NOREPLACE));
  } else {
    entries.push(file("/etc/new.conf", "new\n", 0o644, NOREPLACE));
  }
  return { label: `conf-${version}`, entries };
}

/** The merge report as the child prints it (directory modes left out). */
type Merge = Omit<AreaMergeReport, "dirModes">;

describe.skipIf(skip !== "")("/etc and /var three-way merge on upgrade", () => {
  let work: string;
  let store: string;
  let merge: { etc: Merge; var: Merge };
  const etc = (name: string) => path.join(store, "roots/web/etc", name);
  const read = (file: string) => readFileSync(file, "utf8");

  beforeAll(async () => {
    work = userDir("etc-merge");
    store = path.join(work, "grove");
    const [v1, v2] = await runOk<Array<{ commitId: string; nevra: string; sha256: string }>>(store, [
      { op: "importEntries", packages: [confPackage(1)] },
      { op: "importEntries", packages: [confPackage(2)] },
    ]);
    const g1 = path.join(store, "roots/web.1");
    const results = await runOk<{ merge: { etc: Merge; var: Merge } }>(store, [
      { op: "assemble", name: "web", packages: v1 },
      // The user's changes, made as the user in generation 1.
      { op: "write", path: `${g1}/etc/kept.conf`, content: "mine-k\n" },
      { op: "write", path: `${g1}/etc/noreplace.conf`, content: "mine-n\n" },
      { op: "write", path: `${g1}/etc/plain.conf`, content: "mine-p\n" },
      { op: "write", path: `${g1}/etc/user-added.conf`, content: "added\n" },
      { op: "write", path: `${g1}/etc/app.d/local.conf`, content: "local\n" },
      { op: "write", path: `${g1}/etc/dropped-mod.conf`, content: "mine-y\n" },
      { op: "unlink", path: `${g1}/etc/deleted.conf` },
      { op: "unlink", path: `${g1}/etc/deleted-changed.conf` },
      { op: "chmod", path: `${g1}/etc/shadow`, mode: 0o600 },
      { op: "write", path: `${g1}/etc/shadow`, content: "root:$6$mine:19000::::::\n" },
      { op: "chmod", path: `${g1}/etc/shadow`, mode: 0o000 },
      { op: "write", path: `${g1}/etc/nonconfig.txt`, content: "mine-c\n" },
      { op: "write", path: `${g1}/etc/ghost.log`, content: "log line\n" },
      { op: "unlink", path: `${g1}/etc/link` },
      { op: "symlink", target: "kept.conf", path: `${g1}/etc/link` },
      { op: "mkdir", path: `${g1}/etc/mine.d`, mode: 0o700 },
      { op: "write", path: `${g1}/etc/mine.d/x`, content: "x\n" },
      { op: "mkdir", path: `${g1}/etc/locked.d` },
      { op: "write", path: `${g1}/etc/locked.d/secret`, content: "s\n", mode: 0o400 },
      { op: "chmod", path: `${g1}/etc/locked.d`, mode: 0o000 },
      { op: "write", path: `${g1}/var/lib/app/seed`, content: "mine-seed\n" },
      // A package directory replaced by a symlink to a directory outside the root: nothing may be written there.
      { op: "mkdir", path: `${work}/outside` },
      { op: "write", path: `${work}/outside/default.conf`, content: "outside\n" },
      { op: "rm", path: `${g1}/etc/plug.d` },
      { op: "symlink", target: `${work}/outside`, path: `${g1}/etc/plug.d` },
      { op: "write", path: `${g1}/var/lib/app/userdb`, content: "rows\n" },
      { op: "assemble", name: "web", packages: v2 },
    ]);
    merge = results.at(-1)!.merge;
  });
  afterAll(removeUserDirs);

  it("gives untouched files the new defaults and adds new ones", () => {
    expect(read(etc("untouched.conf"))).toBe("u2\n");
    expect(read(etc("new.conf"))).toBe("new\n");
    expect(read(etc("app.d/default.conf"))).toBe("d\n");
    expect(merge.etc.updated).toContain("/etc/untouched.conf");
  });

  it("keeps files the user changed when the packages did not change them", () => {
    expect(read(etc("kept.conf"))).toBe("mine-k\n");
    expect(readlinkSync(etc("link"))).toBe("kept.conf");
    expect(merge.etc.kept).toEqual(expect.arrayContaining(["/etc/kept.conf", "/etc/link"]));
  });

  it("keeps a changed %config(noreplace) file and writes the new default as .rpmnew", () => {
    expect(read(etc("noreplace.conf"))).toBe("mine-n\n");
    expect(read(etc("noreplace.conf.rpmnew"))).toBe("n2\n");
    expect(merge.etc.rpmnew).toEqual(expect.arrayContaining(["/etc/noreplace.conf", "/etc/shadow"]));
  });

  it("installs the new default of a changed plain %config file and saves the user's as .rpmsave", () => {
    expect(read(etc("plain.conf"))).toBe("p2\n");
    expect(read(etc("plain.conf.rpmsave"))).toBe("mine-p\n");
    expect([...merge.etc.rpmsave].sort()).toEqual(["/etc/dropped-mod.conf", "/etc/plain.conf", "/etc/plug.d"]);
    expect(merge.etc.rpmorig).toEqual([]);
    expect(merge.etc.skipped).toEqual([]);
  });

  it("keeps an unreadable file's content and mode (0000), as the unprivileged owner", () => {
    expect(read(etc("shadow"))).toBe("root:$6$mine:19000::::::\n");
    expect(statSync(etc("shadow")).mode & 0o7777).toBe(0);
    expect(read(etc("shadow.rpmnew"))).toBe("s2\n");
  });

  it("keeps files and directories the user added, and a %ghost file's content", () => {
    expect(read(etc("user-added.conf"))).toBe("added\n");
    expect(read(etc("app.d/local.conf"))).toBe("local\n");
    expect(read(etc("mine.d/x"))).toBe("x\n");
    expect(statSync(etc("mine.d")).mode & 0o7777).toBe(0o700);
    // A directory its owner locked (mode 0000) is carried with its content and mode, and left as it was.
    expect(statSync(etc("locked.d")).mode & 0o7777).toBe(0);
    expect(read(etc("locked.d/secret"))).toBe("s\n");
    expect(statSync(path.join(store, "roots/web.1/etc/locked.d")).mode & 0o7777).toBe(0);
    expect(read(etc("ghost.log"))).toBe("log line\n");
    expect(merge.etc.added).toEqual(
      expect.arrayContaining(["/etc/user-added.conf", "/etc/app.d/local.conf", "/etc/mine.d"]),
    );
  });

  it("removes files dropped from the package set, saving a changed one as .rpmsave", () => {
    expect(existsSync(etc("dropped.conf"))).toBe(false);
    expect(existsSync(etc("dropped-mod.conf"))).toBe(false);
    expect(read(etc("dropped-mod.conf.rpmsave"))).toBe("mine-y\n");
    expect(merge.etc.removed).toContain("/etc/dropped.conf");
  });

  it("respects a deletion while the packages keep the file unchanged, and restores it when they change it", () => {
    expect(existsSync(etc("deleted.conf"))).toBe(false);
    expect(read(etc("deleted-changed.conf"))).toBe("f2\n");
  });

  it("replaces a changed non-config file with the new version, as rpm does, and says so", () => {
    expect(read(etc("nonconfig.txt"))).toBe("c2\n");
    expect(merge.etc.replaced).toEqual(["/etc/nonconfig.txt"]);
  });

  it("never writes through a symlink the user put in place of a package directory", () => {
    expect(readdirSync(path.join(work, "outside"))).toEqual(["default.conf"]);
    expect(read(path.join(work, "outside/default.conf"))).toBe("outside\n");
    expect(lstatSync(etc("plug.d")).isDirectory()).toBe(true);
    expect(read(etc("plug.d/default.conf"))).toBe("q2\n");
    expect(readlinkSync(etc("plug.d.rpmsave"))).toBe(path.join(work, "outside"));
  });

  it("merges /var the same way", () => {
    const varFile = (name: string) => path.join(store, "roots/web/var/lib/app", name);
    expect(read(varFile("data"))).toBe("v2\n");
    expect(read(varFile("seed"))).toBe("mine-seed\n");
    expect(read(varFile("userdb"))).toBe("rows\n");
    expect(statSync(path.join(store, "roots/web/var/lib/app")).mode & 0o7777).toBe(0o750);
    expect(merge.var.kept).toEqual(["/var/lib/app/seed"]);
    expect(merge.var.added).toEqual(["/var/lib/app/userdb"]);
  });

  it("keeps /usr/etc as the pristine new defaults and generation 1's /etc untouched", () => {
    expect(read(path.join(store, "roots/web/usr/etc/noreplace.conf"))).toBe("n2\n");
    expect(read(path.join(store, "roots/web.1/etc/noreplace.conf"))).toBe("mine-n\n");
    expect(read(path.join(store, "roots/web.1/etc/plain.conf"))).toBe("mine-p\n");
    expect(statSync(etc("kept.conf")).nlink).toBe(1);
  });

  it("records the merge in the generation's state", () => {
    const state = JSON.parse(readFileSync(path.join(store, "state/roots/web/2.json"), "utf8"));
    expect(state.details.merge.from).toBe(1);
    expect(state.details.merge.etc.rpmnew).toEqual(merge.etc.rpmnew);
    expect(state.details.merge.etc.rpmsave).toEqual(merge.etc.rpmsave);
  });
});
