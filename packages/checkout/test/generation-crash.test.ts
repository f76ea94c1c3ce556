/**
 * A kill at any moment of an assembly leaves the previous generation active and complete, and never a
 * half-built tree under a generation's name; the next assembly clears the leftovers.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
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
if (skip !== "") console.warn(`generation-crash.test.ts skipped: ${skip}`);

const FILES = 3000;
const LAST_FILE = `usr/share/bulk/d${Math.ceil(FILES / 20) - 1}/f${FILES - 1}`;

describe.skipIf(skip !== "")("killing an assembly", () => {
  let store: string;
  let v1: ImportedPackage[];
  let v2: ImportedPackage[];
  let fullRunMs = 0;

  beforeAll(async () => {
    store = path.join(userDir("crash"), "grove");
    const [a, b] = await runOk<ImportedPackage[]>(store, [
      { op: "importEntries", packages: [basePackage("1"), bulkPackage("1", FILES)] },
      { op: "importEntries", packages: [basePackage("2"), bulkPackage("2", FILES)] },
    ]);
    v1 = a!;
    v2 = b!;
    const started = Date.now();
    await runOk(store, [{ op: "assemble", name: "web", packages: v1 }]);
    fullRunMs = Date.now() - started;
  });
  afterAll(removeUserDirs);

  /** What each generation's packages say its VERSION file holds. */
  function expectedVersion(generation: number): string {
    const state = JSON.parse(readFileSync(path.join(store, `state/roots/web/${generation}.json`), "utf8"));
    const bulk = (state.packages as Array<{ nevra: string }>).find((p) => p.nevra.startsWith("bulk-"))!;
    return `${bulk.nevra.slice("bulk-".length)}\n`;
  }

  function checkInvariants(): number {
    const rootsDir = path.join(store, "roots");
    const target = readlinkSync(path.join(rootsDir, "web"));
    const current = Number(/^web\.(\d+)$/.exec(target)?.[1]);
    expect(Number.isInteger(current)).toBe(true);
    expect(readFileSync(path.join(rootsDir, "web", "usr/share/bulk/VERSION"), "utf8")).toBe(expectedVersion(current));
    expect(existsSync(path.join(rootsDir, "web", LAST_FILE))).toBe(true);
    for (const name of readdirSync(rootsDir)) {
      if (name === "web" || /^\.web\.(\d+\.(tmp|del)|link\.\d+\.\d+)$/.test(name)) continue;
      const m = /^web\.(\d+)$/.exec(name);
      expect(m, `unexpected ${name} in roots/`).not.toBeNull();
      // A tree under a generation's name is always complete and recorded.
      expect(existsSync(path.join(rootsDir, name, LAST_FILE)), `${name} is complete`).toBe(true);
      expect(existsSync(path.join(store, `state/roots/web/${m![1]}.json`)), `${name} has a record`).toBe(true);
    }
    return current;
  }

  it("leaves the previous generation active after SIGKILL at random moments of every phase", async () => {
    // Each round kills the child a random time after it announces a phase (checkout most often: it is the longest).
    const plan: Array<[string, number]> = [
      ["checkout", 0],
      ["checkout", 20],
      ["checkout", 60],
      ["checkout", 120],
      ["checkout", 200],
      ["merge", 0],
      ["merge", 10],
      ["record", 8],
      ["record", 0],
      ["record", 3],
      ["activate", 0],
      ["activate", 1],
    ];
    const outcomes: string[] = [];
    for (const [round, [phase, jitter]] of plan.entries()) {
      const before = checkInvariants();
      const { child, done } = startAsUser(store, [
        { op: "assemble", name: "web", packages: round % 2 ? v1 : v2, announce: true },
      ]);
      const delay = Math.floor(Math.random() * (jitter + 1));
      child.stderr?.on("data", (d: Buffer) => {
        if (d.toString().includes(`phase ${phase}\n`)) setTimeout(() => child.kill("SIGKILL"), delay);
      });
      const r = await done;
      const after = checkInvariants();
      if (r.signal === "SIGKILL") {
        outcomes.push(`${phase}+${delay}ms: ${after === before ? "previous kept" : "new one already active"}`);
      } else {
        expect(r.results?.[0]?.error).toBeUndefined();
        expect(after).toBeGreaterThan(before);
        outcomes.push(`${phase}+${delay}ms: finished first`);
      }
    }
    console.log(`full run ${fullRunMs} ms; ${outcomes.join("; ")}`);
    expect(outcomes.filter((o) => o.includes("previous kept")).length).toBeGreaterThan(5);
  });

  it("clears leftovers on the next assembly and numbers generations after them", async () => {
    const [r] = await runOk<{ generation: number }>(store, [{ op: "assemble", name: "web", packages: v2 }]);
    const names = readdirSync(path.join(store, "roots"));
    expect(names.filter((n) => n.startsWith("."))).toEqual([]);
    expect(readlinkSync(path.join(store, "roots/web"))).toBe(`web.${r!.generation}`);
    const [list] = await runOk<Array<{ generations: Array<{ complete: boolean }> }>>(store, [{ op: "list" }]);
    expect(list![0]!.generations.every((g) => g.complete)).toBe(true);
  });
});
