/** Two processes assembling the same root are serialised by the root's lock; both generations end up complete. */
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basePackage, bulkPackage } from "./helpers/checkout-packages.js";
import {
  type ImportedPackage,
  removeUserDirs,
  runOk,
  startAsUser,
  unprivilegedSkipReason,
  userDir,
} from "./helpers/checkout-user.js";

const skip = unprivilegedSkipReason();
if (skip !== "") console.warn(`generation-concurrency.test.ts skipped: ${skip}`);

interface Assembled {
  generation: number;
  phases: Record<string, number>;
  finished: number;
}

describe.skipIf(skip !== "")("concurrent assemblies of one root", () => {
  let store: string;
  let v1: ImportedPackage[];
  let v2: ImportedPackage[];

  beforeAll(async () => {
    store = path.join(userDir("concurrent"), "grove");
    const [a, b] = await runOk<ImportedPackage[]>(store, [
      { op: "importEntries", packages: [basePackage("1"), bulkPackage("1", 2000)] },
      { op: "importEntries", packages: [basePackage("2"), bulkPackage("2", 2000)] },
    ]);
    v1 = a!;
    v2 = b!;
  });
  afterAll(removeUserDirs);

  it("runs them one after the other: distinct generations, no overlap, the last one current", async () => {
    const one = startAsUser(store, [{ op: "assemble", name: "web", packages: v1 }]);
    const two = startAsUser(store, [{ op: "assemble", name: "web", packages: v2 }]);
    const results = await Promise.all([one.done, two.done]);
    const runs = results.map((r) => {
      expect(r.results?.[0]?.error, r.stderr).toBeUndefined();
      return r.results![0]!.ok as Assembled;
    });
    expect(runs.map((r) => r.generation).sort()).toEqual([1, 2]);
    const [first, second] = [...runs].sort((a, b) => a.generation - b.generation) as [Assembled, Assembled];
    // The second took the lock only after the first released it.
    expect(second.phases.checkout!).toBeGreaterThanOrEqual(first.finished - 5);
    expect(readlinkSync(path.join(store, "roots/web"))).toBe(`web.${second.generation}`);
    for (const g of [1, 2]) {
      expect(existsSync(path.join(store, `roots/web.${g}/usr/share/bulk/d99/f1999`))).toBe(true);
      expect(existsSync(path.join(store, `state/roots/web/${g}.json`))).toBe(true);
    }
    const state2 = JSON.parse(readFileSync(path.join(store, "state/roots/web/2.json"), "utf8"));
    expect(state2.previous).toBe(1);
  });

  it("does not hold up assemblies of another root", async () => {
    const a = startAsUser(store, [{ op: "assemble", name: "web", packages: v2 }]);
    const b = startAsUser(store, [{ op: "assemble", name: "db", packages: v1 }]);
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.results?.[0]?.error).toBeUndefined();
    expect(rb.results?.[0]?.ok).toMatchObject({ generation: 1 });
    expect(readlinkSync(path.join(store, "roots/db"))).toBe("db.1");
  });
});
