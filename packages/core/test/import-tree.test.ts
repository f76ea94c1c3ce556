import { execFileSync } from "node:child_process";
import { chmod, link, mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { importTree, initStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

async function makeTree(root: string): Promise<void> {
  await mkdir(path.join(root, "usr/bin"), { recursive: true });
  await mkdir(path.join(root, "etc"));
  await writeFile(path.join(root, "usr/bin/tool"), "#!/bin/sh\n");
  await chmod(path.join(root, "usr/bin/tool"), 0o4755);
  await link(path.join(root, "usr/bin/tool"), path.join(root, "usr/bin/alias"));
  await writeFile(path.join(root, "etc/conf"), "a=1\n");
  await writeFile(path.join(root, "etc/big"), Buffer.alloc(3 << 20, 1));
  await symlink("../usr/bin/tool", path.join(root, "etc/tool-link"));
  execFileSync("mkfifo", [path.join(root, "etc/pipe")]);
  for (const p of ["usr/bin/tool", "etc/conf", "etc/big", "etc/pipe", "etc", "usr/bin", "usr", "."]) {
    await utimes(path.join(root, p), 1_700_000_000, 1_700_000_000);
  }
}

describe("importTree", () => {
  it("imports a directory with lstat semantics: symlinks, hard links, fifos, setuid", async () => {
    const root = await tempDir();
    await makeTree(root);
    const store = await initStore(await tempDir());
    const result = await importTree(store, root, { metadata: { kind: "tree" }, ref: "tree/t" });
    const byPath = new Map(result.commit.entries.map((e) => [e.path, e]));
    expect([...byPath.keys()]).toEqual([
      "/",
      "/etc",
      "/etc/big",
      "/etc/conf",
      "/etc/pipe",
      "/etc/tool-link",
      "/usr",
      "/usr/bin",
      "/usr/bin/alias",
      "/usr/bin/tool",
    ]);
    expect(byPath.get("/etc/tool-link")).toMatchObject({ type: "symlink", linkTo: "../usr/bin/tool" });
    expect(byPath.get("/etc/pipe")).toMatchObject({ type: "fifo" });
    expect(byPath.get("/usr/bin/alias")).toMatchObject({ type: "file", mode: 0o4755, size: 10 });
    expect(byPath.get("/usr/bin/tool")).toMatchObject({ type: "hardlink", linkTo: "/usr/bin/alias", mode: 0o4755 });
    expect(byPath.get("/etc/big")).toMatchObject({ size: 3 << 20, mtime: 1_700_000_000 });
    const uid = process.getuid?.() ?? 0;
    expect(byPath.get("/etc/conf")).toMatchObject({ uid });
    expect(result.stats.objectsWritten).toBe(3);
    const again = await importTree(store, root, { metadata: { kind: "tree" } });
    expect(again.commitId).toBe(result.commitId);
    expect(again.stats.objectsWritten).toBe(0);
  });

  it("records the given ownership instead of the files' own", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "f"), "x");
    const store = await initStore(await tempDir());
    const result = await importTree(store, root, {
      metadata: {},
      ownership: { uid: 0, gid: 0, user: "root", group: "root" },
    });
    expect(result.commit.entries.every((e) => e.uid === 0 && e.user === "root" && e.group === "root")).toBe(true);
  });

  it("refuses a path that is not a directory", async () => {
    const root = await tempDir();
    await writeFile(path.join(root, "f"), "x");
    const store = await initStore(await tempDir());
    await expect(importTree(store, path.join(root, "f"), { metadata: {} })).rejects.toMatchObject({
      code: "STORE_BAD_TREE",
      message: expect.stringContaining("not a directory"),
    });
  });
});
