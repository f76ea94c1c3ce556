import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fsck, gc, initStore, openStore } from "@grove/core";
import { describe, expect, it } from "vitest";
import { startChild } from "./helpers/child.js";
import { tempDir } from "./helpers/temp-dir.js";

/** Tree `n` holds shared files (in every tree), files shared with tree n+1, and its own files. */
async function makeTree(root: string, n: number): Promise<void> {
  await mkdir(path.join(root, "shared"), { recursive: true });
  await mkdir(path.join(root, "pair"));
  await mkdir(path.join(root, "own"));
  for (let i = 0; i < 150; i++) await writeFile(path.join(root, "shared", `f${i}`), `shared ${i}\n`.repeat(i + 1));
  for (const k of [n, n + 1]) {
    for (let i = 0; i < 50; i++) await writeFile(path.join(root, "pair", `p${k}-${i}`), `pair ${k} ${i}\n`.repeat(40));
  }
  for (let i = 0; i < 50; i++) await writeFile(path.join(root, "own", `o${i}`), `own ${n} ${i}\n`.repeat(30));
  await writeFile(path.join(root, "own", "big"), Buffer.alloc(3 << 20, n));
}

describe("several processes on one store", () => {
  it("4 processes importing overlapping trees at once end fsck-clean with every object", async () => {
    const storeDir = await tempDir();
    await initStore(storeDir);
    const trees: string[] = [];
    for (let n = 0; n < 4; n++) {
      const t = await tempDir();
      await makeTree(t, n);
      trees.push(t);
    }
    const children = trees.map((t, n) => startChild(["tree", storeDir, t, `tree/${n}`]));
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });

    const store = await openStore(storeDir);
    const report = await fsck(store);
    expect(report.problems).toEqual([]);
    // Every file of every tree is in the store as <sha256>.<perm>.
    const { readdir } = await import("node:fs/promises");
    const expected = new Set<string>();
    for (const t of trees) {
      for (const sub of ["shared", "pair", "own"]) {
        for (const name of await readdir(path.join(t, sub))) {
          const full = path.join(t, sub, name);
          const sha = createHash("sha256")
            .update(await readFile(full))
            .digest("hex");
          expected.add(`${sha}.${((await stat(full)).mode & 0o777).toString(8).padStart(4, "0")}`);
          expect(
            await store.hasObjectId(`${sha}.${((await stat(full)).mode & 0o777).toString(8).padStart(4, "0")}`),
          ).toBe(true);
        }
      }
    }
    expect(report.objectsChecked).toBe(expected.size);
    for (let n = 0; n < 4; n++) {
      const out = JSON.parse(results[n]!.stdout) as { commitId: string };
      expect(await store.getRef(`tree/${n}`)).toBe(out.commitId);
    }
    expect(await gc(store)).toMatchObject({ objectsRemoved: 0, commitsRemoved: 0 });
  });

  it("gc running while other processes import never removes what they use", async () => {
    const storeDir = await tempDir();
    const store = await initStore(storeDir);
    // Garbage for gc to find: an unreferenced commit and object.
    await store.writeObject(Buffer.from("garbage"), { perm: 0o644 });
    const children = [0, 1, 2].map((i) => startChild(["gen", storeDir, String(i * 300), "600", `gen/${i}`]));
    const finished = Promise.all(children.map((c) => c.done));
    let gcRuns = 0;
    let done = false;
    void finished.then(() => {
      done = true;
    });
    while (!done) {
      await gc(store);
      gcRuns++;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const r of await finished) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(gcRuns).toBeGreaterThan(1);
    expect((await fsck(store)).problems).toEqual([]);
    expect((await store.listRefs("gen/")).length).toBe(3);
  });

  it("compare-and-swap ref updates from 4 processes lose no increment", async () => {
    const storeDir = await tempDir();
    const store = await initStore(storeDir);
    const children = [0, 1, 2, 3].map(() => startChild(["cas", storeDir, "counter", "15"]));
    for (const r of await Promise.all(children.map((c) => c.done))) expect(r, r.stderr).toMatchObject({ code: 0 });
    const head = await store.getRef("counter");
    expect(await store.readCommitMetadata(head!)).toEqual({ count: 60 });
  });

  it("an import killed at random moments leaves an fsck-clean store, and a re-run completes", async () => {
    const storeDir = await tempDir();
    await initStore(storeDir);
    // Each import is killed after a given share of its 1,500 entries has been handed to the store (the child
    // reports progress on stderr), so every kill lands inside the import however fast or slow the disk is.
    const fractions = [0.02, 0.15, 0.3, 0.45, 0.6, 0.02 + Math.random() * 0.58];
    const delays = fractions.map((f) => Math.round(f * 1500));
    for (const [i, delay] of delays.entries()) {
      // Disjoint content per run, so no run is sped up by objects an earlier one left behind.
      const { child, done } = startChild(["gen", storeDir, String(i * 10_000), "1500", `gen/${i}`]);
      await new Promise<void>((resolve) => {
        let seen = "";
        const onData = (d: Buffer) => {
          seen += d.toString();
          const reported = [...seen.matchAll(/^progress (\d+)$/gm)].map((m) => Number(m[1]));
          if (reported.some((n) => n >= delay)) {
            child.stderr?.off("data", onData);
            resolve();
          }
        };
        child.stderr?.on("data", onData);
        child.on("close", () => resolve());
      });
      child.kill("SIGKILL");
      const result = await done;
      expect(result.signal, `import ${i} finished before the kill after ${delay} entries`).toBe("SIGKILL");
      const store = await openStore(storeDir);
      const report = await fsck(store, { workers: 1 });
      expect(report.problems, `kill ${i} after ${delay} entries (${result.signal ?? result.code})`).toEqual([]);
    }
    // Re-runs complete (one per killed import), concurrently with each other.
    const reruns = delays.map((_, i) => startChild(["gen", storeDir, String(i * 10_000), "1500", `gen/${i}`]));
    for (const r of await Promise.all(reruns.map((c) => c.done))) expect(r, r.stderr).toMatchObject({ code: 0 });
    const store = await openStore(storeDir);
    expect((await fsck(store)).problems).toEqual([]);
    expect((await store.listRefs("gen/")).length).toBe(delays.length);
    await gc(store);
    const after = await fsck(store);
    expect(after.problems).toEqual([]);
    const { readdir } = await import("node:fs/promises");
    expect(await readdir(store.tmpDir)).toEqual([]);
  });
});
