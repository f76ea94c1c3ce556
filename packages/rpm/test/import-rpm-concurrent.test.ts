/**
 * 4 processes importing overlapping sets of the real fixtures into one store at once (with the built
 * @grove/core and @grove/rpm): every import succeeds, the store is fsck-clean and holds every object.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fsck, initStore } from "@grove/core";
import { expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixturesDir = path.resolve(here, "../../..", "../shared/fixtures/real-rpms");
const skip = !existsSync(fixturesDir);
if (process.env.CI && skip) throw new Error(`import-rpm-concurrent.test.ts needs ${fixturesDir} (CI is set)`);
if (skip) console.warn(`import-rpm-concurrent.test.ts skipped: shared fixtures not found at ${fixturesDir}`);

/** Packages that import cleanly and are big enough to overlap in time (all from known-good directories). */
function packages(): string[] {
  const dirs = ["rpm/RPMS", "go-rpmutils", "rpmlint", "cavaliergopher-rpm", "createrepo_c"];
  const out: string[] = [];
  for (const d of dirs) {
    const full = path.join(fixturesDir, d);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full).sort()) {
      if (name.endsWith(".rpm") && !/broken|corrupted/.test(name)) out.push(path.join(full, name));
    }
  }
  return out;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(here, "helpers/import-rpm-child.mjs"), ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

it.skipIf(skip)("4 processes importing overlapping packages end fsck-clean with every package", async () => {
  const storeDir = await mkdtemp(path.join(tmpdir(), "grove-rpm-multi-"));
  try {
    const store = await initStore(storeDir);
    const all = packages();
    expect(all.length).toBeGreaterThan(40);
    // Process i imports a window of half the list starting at i/4: every package is imported by 2 processes.
    const half = Math.ceil(all.length / 2);
    const lists = [0, 1, 2, 3].map((i) => {
      const start = Math.floor((i * all.length) / 4);
      return Array.from({ length: half }, (_, k) => all[(start + k) % all.length]!);
    });
    const results = await Promise.all(lists.map((list, i) => run([storeDir, ...(i % 2 ? [...list].reverse() : list)])));
    const byFile = new Map<string, string>();
    for (const r of results) {
      expect(r, r.stderr).toMatchObject({ code: 0 });
      for (const { file, commitId } of JSON.parse(r.stdout) as Array<{ file: string; commitId: string }>) {
        if (byFile.has(file)) expect(commitId, file).toBe(byFile.get(file));
        byFile.set(file, commitId);
      }
    }
    expect(byFile.size).toBe(all.length);
    const report = await fsck(store);
    expect(report.problems).toEqual([]);
    for (const commitId of byFile.values()) {
      const commit = await store.readCommit(commitId);
      for (const e of commit.entries) {
        if (e.object !== undefined) expect(await store.hasObject(e.object, e.mode & 0o777)).toBe(true);
      }
      for (const id of commit.objects ?? []) expect(await store.hasObjectId(id)).toBe(true);
    }
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
});
