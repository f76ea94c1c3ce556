/**
 * Checkout recipes (`cache/checkouts/<key>.json`): the second root of a package set is written from the recipe
 * the first one stored, and is the same tree with the same records; a damaged recipe is dropped and the root
 * built from the commits; an upgrade written from a recipe merges `/etc` as one planned from the commits.
 * Runs as an unprivileged user.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basePackage, bulkPackage } from "./helpers/checkout-packages.js";
import { objectInodes, readTree, type TreeNode } from "./helpers/checkout-tree.js";
import {
  type ImportedPackage,
  isRoot,
  removeUserDirs,
  runOk,
  unprivilegedSkipReason,
  userDir,
} from "./helpers/checkout-user.js";

const skip = unprivilegedSkipReason();
if (skip !== "") console.warn(`checkout-recipe.test.ts skipped: ${skip}`);

interface Assembled {
  generation: number;
  path: string;
  recipe: "hit" | "stored";
  stats: Record<string, number>;
  warnings: unknown[];
  merge: unknown;
}

describe.skipIf(skip !== "")("checkout recipes", () => {
  let work: string;
  let store: string;
  let v1: ImportedPackage[];
  let v2: ImportedPackage[];
  let linked: Set<number>;

  beforeAll(async () => {
    work = userDir("recipe");
    store = path.join(work, "grove");
    // bulk makes the tree large enough for two writer threads (several parts in the recipe).
    const [a, b] = await runOk<ImportedPackage[]>(store, [
      { op: "importEntries", packages: [basePackage("1"), bulkPackage("1", 3000)] },
      { op: "importEntries", packages: [basePackage("2"), bulkPackage("1", 3000)] },
    ]);
    v1 = a!;
    v2 = b!;
    linked = objectInodes(store);
  }, 120_000);
  afterAll(removeUserDirs);

  const recipes = () => {
    const dir = path.join(store, "cache", "checkouts");
    return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : [];
  };
  /** A tree as comparable data; files say whether they are links into the store instead of inode numbers. */
  const snapshot = (root: string) => {
    const out = new Map<string, Omit<TreeNode, "ino" | "nlink"> & { stored?: boolean }>();
    for (const [rel, { ino, nlink: _nlink, ...node }] of readTree(root, { hash: isRoot })) {
      out.set(rel, node.type === "file" ? { ...node, stored: linked.has(ino!) } : node);
    }
    return out;
  };
  const withoutTimes = (stats: Record<string, number>) => {
    const { planMs: _p, writeMs: _w, elapsedMs: _e, ...rest } = stats;
    return rest;
  };

  it("writes the second root of a package set from the recipe the first stored: same tree, same records", async () => {
    const [first, second, firstRecords, secondRecords] = await runOk<
      Assembled & { manifest: string; defaults: string }
    >(store, [
      { op: "assemble", name: "one", packages: v1, rpmdb: false },
      { op: "assemble", name: "two", packages: v1, rpmdb: false },
      { op: "records", name: "one", generation: 1 },
      { op: "records", name: "two", generation: 1 },
    ]);
    expect(first!.recipe).toBe("stored");
    expect(second!.recipe).toBe("hit");
    expect(recipes()).toHaveLength(1);
    const recipe = readFileSync(path.join(store, "cache", "checkouts", recipes()[0]!), "utf8").split("\n");
    const head = JSON.parse(recipe[0]!);
    expect(head).toMatchObject({ format: "grove-checkout-recipe", version: 2 });
    expect(head.parts).toBeGreaterThanOrEqual(2);
    expect(recipe).toHaveLength(head.parts + 2); // head, the parts, and the final newline

    const one = snapshot(first!.path);
    expect(one.size).toBeGreaterThan(3000);
    expect([...snapshot(second!.path)]).toEqual([...one]);
    expect(one.get("usr/bin/app")).toMatchObject({ type: "file", mode: 0o755, stored: true });
    expect(one.get("etc/app.conf")).toMatchObject({ type: "file", stored: false });
    expect(one.get("usr/share/ro")).toMatchObject({ type: "dir", mode: 0o555 });
    expect(one.get("tmp")).toMatchObject({ type: "dir", mode: 0o1777 });
    expect(withoutTimes(second!.stats)).toEqual(withoutTimes(first!.stats));
    expect(second!.warnings).toEqual(first!.warnings);
    expect(secondRecords!.manifest).toBe(firstRecords!.manifest);
    expect(secondRecords!.defaults).toBe(firstRecords!.defaults);
    expect(JSON.parse(secondRecords!.defaults)).toHaveProperty(["/etc/app.conf"]);
  });

  it("drops a damaged recipe, builds the root from the commits and stores a sound recipe again", async () => {
    const file = path.join(store, "cache", "checkouts", recipes()[0]!);
    const sound = readFileSync(file, "utf8");
    const lines = sound.split("\n");
    const want = snapshot(path.join(store, "roots", "one.1"));
    const damages: [string, string][] = [
      ["truncated", sound.slice(0, Math.floor(sound.length / 2))],
      // A path leaving the root in the second part (either thread may take it).
      [
        "escape in the thread's part",
        [lines[0], lines[1], lines[2]!.replace('"path":"/usr/share/bulk/', '"path":"/../../escaped/'), ""].join("\n"),
      ],
      [
        "bad object name",
        [lines[0], lines[1]!.replace(/"object":"[0-9a-f]{2}\//, '"object":"../'), lines[2], ""].join("\n"),
      ],
      [
        "an object that is not in the store",
        [
          lines[0],
          lines[1],
          lines[2]!.replace(/"object":"([0-9a-f]{2})\/[0-9a-f]{62}/, '"object":"$1/$1' + "0".repeat(60)),
          "",
        ].join("\n"),
      ],
    ];
    let n = 0;
    for (const [what, text] of damages) {
      writeFileSync(file, text);
      const name = `damaged${n++}`;
      const [result] = await runOk<Assembled>(store, [{ op: "assemble", name, packages: v1, rpmdb: false }]);
      expect(result!.recipe, what).toBe("stored");
      expect([...snapshot(result!.path)], what).toEqual([...want]);
      expect(readFileSync(file, "utf8"), what).toBe(sound);
    }
    expect(existsSync(path.join(work, "escaped"))).toBe(false);
    expect(existsSync(path.join(store, "escaped"))).toBe(false);
  });

  it("upgrades a root from a recipe with the same /etc merge as from the commits", async () => {
    // Two roots of v1 with the same local edit; the first upgrade to v2 plans and stores, the second hits.
    const conf = (name: string) => path.join(store, "roots", name, "etc", "app.conf");
    await runOk(store, [
      { op: "assemble", name: "left", packages: v1, rpmdb: false },
      { op: "assemble", name: "right", packages: v1, rpmdb: false },
    ]);
    await runOk(store, [
      { op: "write", path: conf("left"), content: "version=local\n" },
      { op: "write", path: conf("right"), content: "version=local\n" },
    ]);
    const [left, right] = await runOk<Assembled>(store, [
      { op: "assemble", name: "left", packages: v2, rpmdb: false },
      { op: "assemble", name: "right", packages: v2, rpmdb: false },
    ]);
    expect(left!.recipe).toBe("stored");
    expect(right!.recipe).toBe("hit");
    expect(right!.merge).toEqual(left!.merge);
    expect(right!.merge).toMatchObject({ etc: { rpmnew: ["/etc/app.conf"] } });
    expect(readFileSync(conf("right"), "utf8")).toBe("version=local\n");
    expect(readFileSync(`${conf("right")}.rpmnew`, "utf8")).toBe("version=2\n");
    expect([...snapshot(right!.path)]).toEqual([...snapshot(left!.path)]);
  });
});
