/**
 * The two-thread tree writer (`writeTreeParallel`) against the serial one (`writeTree`) on a real
 * package set (the apache2 corpus, 113 packages): the same tree byte for byte (types, modes, contents,
 * symlink targets, which files are links into the store), the same counters, warnings and directory
 * modes; errors met in the worker thread surface as the very errors the serial writer throws.
 * Also the shared symlink pool: symlinks are hard links to pooled ones, and a damaged pool entry is repaired.
 */
import { lstatSync, mkdtempSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Entry, initStore, isGroveError, type Store } from "@grove/core";
import { importRpm } from "@grove/rpm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpusSet } from "../../../test/helpers/corpus-set.js";
import { rpmFilesUnder } from "../../../test/helpers/real-rpm-fixtures.js";
import { buildCheckoutPlan } from "../src/plan/build-plan.js";
import { latin1NamesOf } from "../src/plan/latin1-names.js";
import { CONTAINER_LAYOUT, layoutTree, type TreeLayout } from "../src/plan/layout.js";
import { readCommitsForCheckout } from "../src/store/read-commits.js";
import { SymlinkPool } from "../src/store/symlink-pool.js";
import type { PlannedEntry } from "../src/types.js";
import { removeTree } from "../src/write/remove-tree.js";
import { splitLayout } from "../src/write/split-layout.js";
import { prestartTreeWriter, releaseTreeWriter, treeWriterReady } from "../src/write/tree-writer-thread.js";
import { executeTreeWrite, planTreeWrite, writeTree, writeTreeParallel } from "../src/write/write-tree.js";
import { objectInodes, readTree, type TreeNode } from "./helpers/checkout-tree.js";

describe("the parallel tree writer on the apache2 corpus", () => {
  let work: string;
  let store: Store;
  let layout: TreeLayout;
  let linkedInodes: Set<number>;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-parallel-writer-"));
    const corpus = await buildCorpusSet(path.join(work, "repo"), ["apache2"]);
    store = await initStore(path.join(work, "store"));
    const packages: { commitId: string; nevra: string }[] = [];
    for (const file of rpmFilesUnder(path.join(corpus.dir, "Packages"))) {
      const r = await importRpm(store, file);
      packages.push({ commitId: r.commitId, nevra: r.nevra });
    }
    const commits = readCommitsForCheckout(
      store,
      packages.map((p) => p.commitId),
    ).map((commit, i) => ({ id: packages[i]!.commitId, commit, label: packages[i]!.nevra }));
    const plan = buildCheckoutPlan(commits, { latin1Names: (c) => latin1NamesOf(store.dir, c) });
    layout = layoutTree(
      plan,
      CONTAINER_LAYOUT,
      commits.map((c) => c.label),
    );
    linkedInodes = objectInodes(store.dir);
  }, 900_000);

  afterAll(() => {
    if (work !== undefined) removeTree(work);
  });

  const dest = (name: string) => path.join(work, "roots", name);
  /** A tree as comparable data: every node, and for files whether they are a link into the store. */
  const snapshot = (root: string) => {
    const out = new Map<string, Omit<TreeNode, "ino" | "nlink"> & { stored?: boolean }>();
    // Hashing reads every file: only root can read the copies of mode 0000 (`/etc/shadow`).
    for (const [rel, { ino, nlink: _nlink, ...node }] of readTree(root, { hash: process.getuid?.() === 0 })) {
      out.set(rel, node.type === "file" ? { ...node, stored: linkedInodes.has(ino!) } : node);
    }
    return out;
  };

  it("splits the tree into parts of whole subtrees of about equal cost, heaviest first", () => {
    const split = splitLayout(layout, false, 8);
    const parts = split.parts;
    expect(parts).toHaveLength(8);
    expect(split.spine[0]).toBe(0);
    expect(parts.reduce((n, p) => n + p.nodes.length, 0)).toBe(layout.nodes.length);
    expect(split.spine.length + parts.reduce((n, p) => n + p.dirs.length, 0)).toBe(layout.dirs.length);
    const costs = parts.map((p) => p.cost);
    expect(costs).toEqual([...costs].sort((x, y) => y - x));
    expect(Math.min(...costs) / Math.max(...costs)).toBeGreaterThan(0.6);
    // Every non-spine directory's parent is in the spine or in the same part; every node's directory too.
    const partOf = new Map<string, number>();
    parts.forEach((part, n) => {
      for (const i of part.dirs) partOf.set(layout.dirs[i]!.path, n);
    });
    const spine = new Set(split.spine.map((i) => layout.dirs[i]!.path));
    for (const [p, n] of partOf) {
      const parent = path.posix.dirname(p);
      expect(spine.has(parent) || partOf.get(parent) === n, p).toBe(true);
    }
    parts.forEach((part, n) => {
      for (const i of part.nodes) {
        const dir = path.posix.dirname(layout.nodes[i]!.path);
        expect(spine.has(dir) || partOf.get(dir) === n, layout.nodes[i]!.path).toBe(true);
      }
    });
  });

  it("stops a prestarted writer thread on release, and starts a new one for the next tree", async () => {
    prestartTreeWriter();
    expect(releaseTreeWriter()).toBe(true);
    expect(releaseTreeWriter()).toBe(false);
    const written = await writeTreeParallel(layout, {
      storeDir: store.dir,
      dest: dest("after-release"),
      writerThreadOnly: true,
    });
    expect(written.threads).toBe(2);
    expect(written.stats.linked).toBeGreaterThan(1000);
  });

  it("shares the parts between both threads when the writer thread is ready, and writes alone when it is not", async () => {
    prestartTreeWriter();
    await treeWriterReady();
    const both = await writeTreeParallel(layout, { storeDir: store.dir, dest: dest("shared-parts") });
    expect(both.threads).toBe(2);
    // A small tree of two parts on a new thread: this thread takes both before the thread has started.
    const small = await writeTreeParallel(layout, {
      storeDir: store.dir,
      dest: dest("alone"),
      parallelMinCost: Math.ceil(splitLayout(layout, false, 1).total / 2),
    });
    expect(small.stats).toEqual(both.stats);
    expect(snapshot(dest("alone"))).toEqual(snapshot(dest("shared-parts")));
  });

  it("writes the same tree, counters, warnings and directory modes as the serial writer", async () => {
    const serial = writeTree(layout, { storeDir: store.dir, dest: dest("serial"), applyDirModes: false });
    const parallel = await writeTreeParallel(layout, {
      storeDir: store.dir,
      dest: dest("parallel"),
      applyDirModes: false,
      writerThreadOnly: true,
    });
    expect(parallel.threads).toBe(2);
    expect(serial.threads).toBe(1);
    expect(parallel.stats).toEqual(serial.stats);
    expect(parallel.warnings).toEqual(serial.warnings);
    const rebase = (p: string | Buffer, from: string) => path.relative(from, p.toString());
    expect(parallel.dirModes.map((d) => [rebase(d.path, dest("parallel")), d.mode])).toEqual(
      serial.dirModes.map((d) => [rebase(d.path, dest("serial")), d.mode]),
    );
    expect(serial.stats.linked).toBeGreaterThan(4000);
    expect(serial.stats.symlinks).toBeGreaterThan(100);
    expect(serial.stats.copied).toBeGreaterThan(100);

    const applied = [
      writeTree(layout, { storeDir: store.dir, dest: dest("serial-modes") }),
      await writeTreeParallel(layout, { storeDir: store.dir, dest: dest("parallel-modes") }),
    ];
    expect(applied.map((r) => r.dirModes)).toEqual([[], []]);
    const want = snapshot(dest("serial-modes"));
    const got = snapshot(dest("parallel-modes"));
    expect(got.size).toBe(want.size);
    expect(got.size).toBeGreaterThan(5000);
    const differences: string[] = [];
    for (const [rel, node] of want) {
      if (JSON.stringify(got.get(rel)) !== JSON.stringify(node)) {
        differences.push(`${rel}: ${JSON.stringify(node)} vs ${JSON.stringify(got.get(rel))}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("creates symlinks as hard links to the store's shared symlinks", () => {
    const pooled = [...readTree(dest("parallel-modes"), { hash: false })].filter(([, n]) => n.type === "symlink");
    expect(pooled.length).toBeGreaterThan(100);
    // The four roots written so far share each symlink inode with the pool.
    for (const [rel] of pooled)
      expect(lstatSync(path.join(dest("parallel-modes"), rel)).nlink, rel).toBeGreaterThanOrEqual(5);
  });

  it("reports a missing object met in the writer thread as the serial writer does", async () => {
    const split = splitLayout(layout, false, 8);
    const victim = split.parts[1]!.nodes.find((i) => {
      const n = layout.nodes[i]!;
      return n.planned.entry.type === "file" && !n.copy;
    })!;
    expect(victim).toBeDefined();
    const broken = withNode(layout, victim, (node) => ({
      ...node,
      planned: { ...node.planned, entry: { ...node.planned.entry, object: "f".repeat(64) } },
    }));
    const serial = catchError(() => writeTree(broken, { storeDir: store.dir, dest: dest("missing-serial") }));
    const parallel = await catchAsync(() =>
      writeTreeParallel(broken, { storeDir: store.dir, dest: dest("missing-parallel"), writerThreadOnly: true }),
    );
    expect(isGroveError(serial) && serial.code).toBe("CHECKOUT_MISSING_OBJECT");
    expect(isGroveError(parallel) && parallel.code).toBe("CHECKOUT_MISSING_OBJECT");
    expect((parallel as Error).message).toBe((serial as Error).message);
    expect((parallel as Error).message).toContain(layout.nodes[victim]!.planned.path);
  });

  it("rethrows a system error of the writer thread with its code, syscall and path", async () => {
    const split = splitLayout(layout, false, 8);
    const victim = split.parts[1]!.nodes.find((i) => layout.nodes[i]!.planned.entry.type === "symlink")!;
    expect(victim).toBeDefined();
    // The same symlink twice: the second one meets EEXIST.
    const doubled: TreeLayout = { dirs: layout.dirs, nodes: [...layout.nodes, layout.nodes[victim]!] };
    const serial = catchError(() => writeTree(doubled, { storeDir: store.dir, dest: dest("exists-serial") }));
    const parallel = (await catchAsync(() =>
      writeTreeParallel(doubled, { storeDir: store.dir, dest: dest("exists-parallel"), writerThreadOnly: true }),
    )) as NodeJS.ErrnoException;
    expect((serial as NodeJS.ErrnoException).code).toBe("EEXIST");
    expect(parallel.code).toBe("EEXIST");
    expect(parallel.syscall).toBe((serial as NodeJS.ErrnoException).syscall);
    expect(parallel.message.replace("exists-parallel", "X")).toBe(
      (serial as Error).message.replace("exists-serial", "X"),
    );
  });

  it("refuses an existing destination with CHECKOUT_DEST_EXISTS", async () => {
    const err = await catchAsync(() => writeTreeParallel(layout, { storeDir: store.dir, dest: dest("parallel") }));
    expect(isGroveError(err) && err.code).toBe("CHECKOUT_DEST_EXISTS");
  });

  it("repairs a pool entry that is not the symlink its name promises", () => {
    const poolDir = path.join(work, "pool");
    const pool = new SymlinkPool(poolDir);
    pool.create("target-a", path.join(work, "l1"));
    const [entry] = readTree(poolDir, { hash: false }).keys();
    unlinkSync(path.join(poolDir, entry!));
    symlinkSync("something-else", path.join(poolDir, entry!));
    new SymlinkPool(poolDir).create("target-a", path.join(work, "l2"));
    expect(readlinkSync(path.join(work, "l2"))).toBe("target-a");
    expect(readlinkSync(path.join(work, "l1"))).toBe("target-a");
  });
});

describe("the parallel tree writer with ISO-8859-1 names", () => {
  it("writes byte names and byte symlink targets in the worker's half as the serial writer does", async () => {
    const work = mkdtempSync(path.join(tmpdir(), "grove-parallel-latin1-"));
    try {
      const planned = (p: string, entry: Partial<Entry>, latin1: boolean): PlannedEntry => ({
        path: p,
        entry: { path: p, type: "dir", mode: 0o755, uid: 0, gid: 0, ...entry },
        owner: 0,
        ...(latin1 ? { latin1Path: true, latin1Target: true } : {}),
      });
      const dirs: TreeLayout["dirs"] = [{ path: "/", mode: 0o755 }];
      const nodes: TreeLayout["nodes"] = [];
      for (const top of ["a", "b", "caf\u00e9"]) {
        const latin1 = top !== "a" && top !== "b";
        dirs.push({ path: `/${top}`, mode: 0o755, ...(latin1 ? { latin1: true } : {}) });
        for (let d = 0; d < 20; d++) {
          const sub = `/${top}/d${d}${latin1 ? "\u00e9" : ""}`;
          dirs.push({ path: sub, mode: d % 3 === 0 ? 0o555 : 0o750, ...(latin1 ? { latin1: true } : {}) });
          for (let n = 0; n < 5; n++) {
            const p = `${sub}/l${n}`;
            const target = `../t\u00e9${n}`;
            nodes.push({
              path: p,
              planned: planned(p, { type: "symlink", mode: 0o777, linkTo: target }, latin1),
              copy: false,
            });
          }
        }
      }
      const layout: TreeLayout = { dirs, nodes };
      const storeDir = path.join(work, "store");
      const serial = writeTree(layout, { storeDir, dest: path.join(work, "serial") });
      const parallel = await writeTreeParallel(layout, {
        storeDir,
        dest: path.join(work, "parallel"),
        parallelMinCost: 1,
        writerThreadOnly: true,
      });
      expect(parallel.threads).toBe(2);
      expect(parallel.stats).toEqual(serial.stats);
      const want = readTree(path.join(work, "serial"));
      const got = readTree(path.join(work, "parallel"));
      expect([...got]).toEqual([...want]);
      expect(want.get("caf\u00e9/d0\u00e9/l0")).toEqual({ type: "symlink", mode: 0o777, target: "../t\u00e90" });
      expect(want.get("caf\u00e9/d0\u00e9")?.mode).toBe(0o555);

      // The same plan as JSON (what a checkout recipe keeps), the parts read by the thread from a file.
      const plan = JSON.parse(JSON.stringify(planTreeWrite(layout, { parallel: true, parallelMinCost: 1 })));
      const file = path.join(work, "plan.json");
      writeFileSync(file, `${[{ head: true }, ...plan.parts].map((line) => JSON.stringify(line)).join("\n")}\n`);
      const fromFile = await executeTreeWrite(
        plan,
        { storeDir, dest: path.join(work, "from-file"), writerThreadOnly: true },
        (ctx, owners) => ({ ctx, owners, partsAt: { file, firstLine: 1 } }),
      );
      expect(fromFile.threads).toBe(2);
      expect(fromFile.stats).toEqual(serial.stats);
      expect([...readTree(path.join(work, "from-file"))]).toEqual([...want]);
    } finally {
      removeTree(work);
    }
  });
});

function withNode(
  layout: TreeLayout,
  index: number,
  change: (node: TreeLayout["nodes"][number]) => TreeLayout["nodes"][number],
): TreeLayout {
  return { dirs: layout.dirs, nodes: layout.nodes.map((n, i) => (i === index ? change(n) : n)) };
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}

async function catchAsync(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected an error");
}
