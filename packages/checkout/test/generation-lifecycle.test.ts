/**
 * Generations as an unprivileged user: assemble, upgrade, rollback, list, prune and remove a root whose
 * packages have read-only directories and unreadable files; refs keep the package commits from gc.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basePackage } from "./helpers/checkout-packages.js";
import {
  type ImportedPackage,
  removeUserDirs,
  runAsUser,
  runOk,
  unprivilegedSkipReason,
  userDir,
} from "./helpers/checkout-user.js";

const skip = unprivilegedSkipReason();
if (skip !== "") console.warn(`generation-lifecycle.test.ts skipped: ${skip}`);

describe.skipIf(skip !== "")("root generations", () => {
  let work: string;
  let store: string;
  let v1: ImportedPackage[];
  let v2: ImportedPackage[];

  beforeAll(async () => {
    work = userDir("generations");
    store = path.join(work, "grove");
    const [a, b] = await runOk<ImportedPackage[]>(store, [
      { op: "importEntries", packages: [basePackage("1")] },
      { op: "importEntries", packages: [basePackage("2")] },
    ]);
    v1 = a!;
    v2 = b!;
  });
  afterAll(removeUserDirs);

  const link = () => path.join(store, "roots", "web");
  const current = () => readlinkSync(link());

  it("assembles generation 1, then 2 on upgrade, swapping roots/web and keeping both", async () => {
    const [whoami, first, second] = await runOk<{ generation: number; path: string; previous?: number; uid?: number }>(
      store,
      [
        { op: "whoami" },
        { op: "assemble", name: "web", packages: v1, request: { packages: ["base"] } },
        { op: "assemble", name: "web", packages: v2, request: { packages: ["base"] } },
      ],
    );
    if (process.getuid?.() === 0) expect(whoami).toMatchObject({ uid: 65534 });
    expect(first).toMatchObject({ generation: 1 });
    expect(second).toMatchObject({ generation: 2, previous: 1 });
    expect(current()).toBe("web.2");
    expect(readFileSync(path.join(link(), "usr/bin/app"), "utf8")).toContain("echo 2");
    expect(readFileSync(path.join(store, "roots/web.1/usr/bin/app"), "utf8")).toContain("echo 1");
    // Modes as the packages say, read-only directories included.
    expect(statSync(path.join(link(), "usr/share/ro")).mode & 0o7777).toBe(0o555);
    expect(statSync(path.join(link(), "proc")).mode & 0o7777).toBe(0o555);
    expect(statSync(path.join(link(), "tmp")).mode & 0o7777).toBe(0o1777);
    expect(statSync(path.join(link(), "etc/shadow")).mode & 0o7777).toBe(0);
    // The record (the lockfile) lives outside the root.
    const state = JSON.parse(readFileSync(path.join(store, "state/roots/web/2.json"), "utf8"));
    expect(state).toMatchObject({ format: "grove-root-generation", name: "web", generation: 2, previous: 1 });
    expect(state.request).toEqual({ packages: ["base"] });
    expect(state.packages).toEqual(v2.map((p) => ({ nevra: p.nevra, sha256: p.sha256, commitId: p.commitId })));
    expect(readFileSync(path.join(store, "refs/roots/web/2"), "utf8")).toBe(`${state.rootCommit}\n`);
    expect(existsSync(path.join(link(), "state"))).toBe(false);
  });

  it("rolls back to the previous generation and lists both", async () => {
    const [rolled, list] = await runOk<Record<string, unknown>>(store, [
      { op: "rollback", name: "web" },
      { op: "list" },
    ]);
    expect(rolled).toMatchObject({ name: "web", from: 2, to: 1 });
    expect(current()).toBe("web.1");
    expect(readFileSync(path.join(link(), "usr/bin/app"), "utf8")).toContain("echo 1");
    expect(list).toEqual([
      {
        name: "web",
        current: 1,
        generations: [
          { generation: 1, complete: true, current: true, packages: ["base-1"] },
          { generation: 2, complete: true, current: false, packages: ["base-2"] },
        ],
      },
    ]);
    const [again] = await runAsUser(store, [{ op: "rollback", name: "web" }], true);
    expect(again!.error?.code).toBe("CHECKOUT_NO_PREVIOUS_GENERATION");
    await runOk(store, [{ op: "rollback", name: "web", to: 2 }]);
    expect(current()).toBe("web.2");
  });

  it("keeps package commits alive through refs, prunes old generations and removes the root", async () => {
    const [third, gcBefore, pruned] = await runOk<Record<string, unknown>>(store, [
      { op: "assemble", name: "web", packages: v1 },
      { op: "gc" },
      { op: "prune", keep: 2 },
    ]);
    expect(third).toMatchObject({ generation: 3, previous: 2 });
    expect(gcBefore).toMatchObject({ commitsRemoved: 0 });
    expect(pruned).toEqual([{ name: "web", kept: [2, 3], removed: [1] }]);
    expect(existsSync(path.join(store, "roots/web.1"))).toBe(false);
    expect(existsSync(path.join(store, "state/roots/web/1.json"))).toBe(false);
    expect(existsSync(path.join(store, "refs/roots/web/1"))).toBe(false);
    expect(existsSync(path.join(store, "commits", v2[0]!.commitId.slice(0, 2), `${v2[0]!.commitId}.json`))).toBe(true);

    const [removed, gcAfter, list] = await runOk<Record<string, unknown>>(store, [
      { op: "remove", name: "web" },
      { op: "gc" },
      { op: "list" },
    ]);
    expect(removed).toEqual({ name: "web", generations: [2, 3] });
    expect(list).toEqual([]);
    expect(() => lstatSync(link())).toThrow();
    expect(readdirSync(path.join(store, "roots"))).toEqual([]);
    expect(existsSync(path.join(store, "state/roots/web"))).toBe(false);
    // Nothing references the package commits any more: gc takes them (root commits and package commits).
    expect((gcAfter as { commitsRemoved: number }).commitsRemoved).toBeGreaterThanOrEqual(4);
  });

  it("refuses bad root names and unknown roots with clear codes", async () => {
    const results = await runAsUser(store, [{ op: "assemble", name: "web.2", packages: v1 }], true);
    expect(results[0]!.error?.code).toBe("CHECKOUT_BAD_ROOT_NAME");
    const [missing] = await runAsUser(store, [{ op: "rollback", name: "nothing" }], true);
    expect(missing!.error?.code).toBe("CHECKOUT_ROOT_NOT_FOUND");
  });
});
