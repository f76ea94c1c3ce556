import { spawn, spawnSync } from "node:child_process";
import { readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gc, importEntries, initStore, openStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

/** The pid of a process that has exited (and been reaped). */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

describe("store locks", () => {
  it("breaks an exclusive lock and shared locks left by dead processes", async () => {
    const store = await initStore(await tempDir());
    const pid = deadPid();
    const holder = { pid, start: "1", host: (await import("node:os")).hostname(), nonce: "dead" };
    await writeFile(path.join(store.locksDir, "store.exclusive"), `${JSON.stringify(holder)}\n`);
    await writeFile(path.join(store.locksDir, `shared_${pid}_1_dead_${holder.host}`), "");
    await writeFile(path.join(store.locksDir, "ref-0123.lock"), `${JSON.stringify(holder)}\n`);
    await writeFile(path.join(store.locksDir, "ref-0123.lock.break"), `${JSON.stringify(holder)}\n`);
    await writeFile(path.join(store.locksDir, `.tmp.${pid}.dead`), "");
    const result = await importEntries(store, [], { metadata: {}, ref: "after-crash" });
    expect(await store.getRef("after-crash")).toBe(result.commitId);
    await gc(store);
    expect(await readdir(store.locksDir)).toEqual([]);
  });

  it("makes gc wait for an import in flight, and the import's objects survive", async () => {
    const dir = await tempDir();
    const importer = await initStore(dir);
    const collector = await openStore(dir);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    async function* slowEntries() {
      yield { path: "a", type: "file" as const, mode: 0o644, uid: 0, gid: 0, content: Buffer.from("first") };
      await gate;
      yield { path: "b", type: "file" as const, mode: 0o644, uid: 0, gid: 0, content: Buffer.from("second") };
    }
    const importing = importEntries(importer, slowEntries(), { metadata: {}, ref: "slow" });
    await new Promise((r) => setTimeout(r, 50));
    let gcDone = false;
    const collecting = gc(collector).then((r) => {
      gcDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(gcDone).toBe(false);
    release();
    const imported = await importing;
    expect(await collecting).toMatchObject({ objectsRemoved: 0, commitsKept: 1 });
    for (const e of imported.commit.entries) expect(await importer.hasObject(e.object!, 0o644)).toBe(true);
  });

  it("refuses gc inside an import on the same Store instead of deadlocking", async () => {
    const store = await initStore(await tempDir());
    await expect(store.withLock(() => gc(store))).rejects.toMatchObject({ code: "STORE_LOCK_CONFLICT" });
  });

  it("times out naming the holder when a live process holds the exclusive lock", async () => {
    const dir = await tempDir();
    await initStore(dir);
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      const holder = { pid: live.pid, start: "", host: (await import("node:os")).hostname(), nonce: "x" };
      await writeFile(path.join(dir, "locks/store.exclusive"), JSON.stringify(holder));
      const store = await openStore(dir, { lockTimeoutMs: 200 });
      await expect(importEntries(store, [], { metadata: {} })).rejects.toMatchObject({
        code: "STORE_LOCK_TIMEOUT",
        message: expect.stringContaining(`pid ${live.pid}`),
      });
    } finally {
      live.kill("SIGKILL");
    }
  });
});
