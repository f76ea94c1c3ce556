/**
 * Checkout recipes, `cache/checkouts/<key>.json`: everything a checkout of one package set computes before
 * and besides writing the tree, kept so that the next root of the same set is only written. Planning a root
 * of ~8,000 entries (reading the commits, merging, laying out, resolving every op) costs more main-thread time
 * than writing it; commits never change, so the result for an ordered list of commits is always the same.
 *
 * A recipe is JSON lines: a head ({@link RecipeHead}: counters, the plan's warnings, the manifest, the `/etc` and
 * `/var` defaults, the directories and the spine), then one line per write part ({@link WritePart}), so that the
 * writer thread reads the parts it takes straight from the file. Only a cache: anything
 * unreadable, of another format or failing its checks is a miss.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import type { Entry } from "@grove/core";
import { assertSafeEntry } from "../plan/entry-checks.js";
import { asciiJson, readTextFile } from "../store/ascii-text.js";
import { writeCacheFile } from "../store/cache-file.js";
import type { CheckoutWarning, ManifestRecord } from "../types.js";
import { checkWritePart } from "../write/write-part-json.js";
import type { PlannedDir, TreeWritePlan, WritePart } from "../write/write-tree.js";

/** `format` of a recipe head. */
const RECIPE_FORMAT = "grove-checkout-recipe";
/**
 * Bump whenever planning, layout or the write ops change what a package set produces: older recipes are then
 * misses (and pruned by gc once their packages are gone).
 */
const RECIPE_VERSION = 2;
/** Parts a recipe may have, at most (the writer cuts a tree into 8). */
const MAX_RECIPE_PARTS = 64;

/** A package of a set, as a recipe's key sees it. */
export interface RecipePackage {
  /** Its commit. */
  commitId: string;
  /** What messages call it (the NEVRA). */
  label: string;
}

/** Plan counters a recipe keeps (the write counters are measured anew each time). */
export interface RecipeCounters {
  /** Entries read from all commits. */
  entries: number;
  /** Distinct paths after merging. */
  paths: number;
  /** Entries identical to one already placed. */
  shared: number;
  /** `%ghost` entries. */
  ghosts: number;
}

/** The first line of a recipe. */
export interface RecipeHead {
  /** Always `grove-checkout-recipe`. */
  format: string;
  /** Always {@link RECIPE_VERSION}. */
  version: number;
  /** The key it is stored under. */
  key: string;
  /** The package commits, in order (gc drops the recipe once one is gone). */
  commits: string[];
  /** Plan counters. */
  counters: RecipeCounters;
  /** The plan's warnings (shared directories with other modes and the like). */
  warnings: CheckoutWarning[];
  /** The manifest of the written tree. */
  manifest: ManifestRecord[];
  /** The packages' entries under `/etc` and `/var` by path (`G.defaults.json`). */
  defaults: Record<string, Entry>;
  /** Every directory with its final mode. */
  dirs: PlannedDir[];
  /** Directories created before the parts. */
  spine: TreeWritePlan["spine"];
  /** Number of parts (the lines after the head). */
  parts: number;
}

/** A recipe read back: its head, its file, and its parts, parsed when taken. */
export interface LoadedRecipe {
  /** `cache/checkouts/<key>.json`. */
  file: string;
  /** The head. */
  head: RecipeHead;
  /**
   * Parses and checks part `i` (line `1 + i`); throws an `Error` naming the file when it is not sound. Parts are
   * parsed only by the thread that takes them.
   */
  part: (i: number) => WritePart;
}

/** `<dir>/cache/checkouts`. */
export function recipeCacheDir(dir: string): string {
  return path.join(dir, "cache", "checkouts");
}

/**
 * The key of a package set's recipe: sha256 of the format, the layout, the copy mode and the packages'
 * commits and labels in order.
 * @param packages - the packages in install order
 * @param copyAll - every file is copied
 */
export function recipeKey(packages: readonly RecipePackage[], copyAll: boolean): string {
  const what = [RECIPE_FORMAT, RECIPE_VERSION, "container", copyAll, packages.map((p) => [p.commitId, p.label])];
  return createHash("sha256").update(JSON.stringify(what)).digest("hex");
}

/** `<dir>/cache/checkouts/<key>.json`. */
export function recipeFile(dir: string, key: string): string {
  return path.join(recipeCacheDir(dir), `${key}.json`);
}

/**
 * Reads the recipe stored under `key` and checks its head; `undefined` when there is none or it is not a sound
 * recipe of this format (the parts are checked as they are parsed: the first by `first()`, the second by the
 * writer thread that reads it).
 * @param dir - the grove directory
 * @param key - see {@link recipeKey}
 */
export function readRecipe(dir: string, key: string): LoadedRecipe | undefined {
  const file = recipeFile(dir, key);
  try {
    const text = readTextFile(file);
    const lineEnd = text.indexOf("\n");
    const head = checkHead(JSON.parse(text.slice(0, lineEnd)) as unknown, key, file);
    if (head === undefined) return undefined;
    let lines: string[] | undefined;
    const part = (i: number) => {
      lines ??= text.slice(lineEnd + 1).split("\n");
      const line = lines[i];
      if (line === undefined || line === "") throw new Error(`${file}: part ${i + 1} is missing`);
      return checkWritePart(JSON.parse(line) as unknown, file);
    };
    return { file, head, part };
  } catch {
    return undefined;
  }
}

/** The head as stored, when its format, version, key and fields are right. */
function checkHead(value: unknown, key: string, file: string): RecipeHead | undefined {
  const h = value as RecipeHead;
  if (h === null || typeof h !== "object" || h.format !== RECIPE_FORMAT || h.version !== RECIPE_VERSION)
    return undefined;
  if (h.key !== key || !Number.isSafeInteger(h.parts) || h.parts < 1 || h.parts > MAX_RECIPE_PARTS) return undefined;
  if (!Array.isArray(h.commits) || !h.commits.every((c) => typeof c === "string")) return undefined;
  const c = h.counters;
  if (c === null || typeof c !== "object" || ![c.entries, c.paths, c.shared, c.ghosts].every(Number.isSafeInteger)) {
    return undefined;
  }
  if (!Array.isArray(h.warnings) || !Array.isArray(h.manifest) || !Array.isArray(h.dirs)) return undefined;
  if (h.defaults === null || typeof h.defaults !== "object" || Array.isArray(h.defaults)) return undefined;
  for (const e of Object.values(h.defaults)) assertSafeEntry(e, file);
  if (h.dirs[0]?.path !== "/") return undefined;
  checkWritePart({ dirs: h.dirs.slice(1).map((d) => ({ ...d, created: d.mode })), nodes: [] }, file);
  checkWritePart({ dirs: h.spine, nodes: [] }, file);
  return h;
}

/**
 * Stores a recipe under `key` (temporary file + rename; a failure to write is reported, not thrown: the cache is
 * an optimisation).
 * @param dir - the grove directory
 * @param head - the head, without format, version and key
 * @param parts - the write parts, as many as `head.parts`
 * @returns the file, or `undefined` when it could not be written
 */
export function writeRecipe(
  dir: string,
  key: string,
  head: Omit<RecipeHead, "format" | "version" | "key">,
  parts: readonly WritePart[],
): string | undefined {
  const file = recipeFile(dir, key);
  const lines = [asciiJson({ format: RECIPE_FORMAT, version: RECIPE_VERSION, key, ...head })];
  for (const part of parts) lines.push(asciiJson(part));
  return writeCacheFile(file, `${lines.join("\n")}\n`) ? file : undefined;
}

/** Removes a recipe file (one that failed to serve); never throws. */
export function dropRecipe(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // left for gc
  }
}

/**
 * The commits a stored recipe names (what gc checks before keeping it); `undefined` when the file is not a
 * recipe of this format.
 * @param file - a file in `cache/checkouts/`
 */
export function recipeCommits(file: string): string[] | undefined {
  try {
    const text = readFileSync(file, "utf8");
    const head = JSON.parse(text.slice(0, text.indexOf("\n"))) as Partial<RecipeHead>;
    if (head?.format !== RECIPE_FORMAT || head.version !== RECIPE_VERSION || !Array.isArray(head.commits)) {
      return undefined;
    }
    return head.commits.every((c) => typeof c === "string") ? head.commits : undefined;
  } catch {
    return undefined;
  }
}
