import { mkdirSync, renameSync } from "node:fs";
import { GroveError, type JsonValue, type Store } from "@grove/core/store";
import type { CheckoutStats } from "../checkout-commits.js";
import { type AreaMergeReport, mergeArea } from "../mutable/merge-area.js";
import { depthOf } from "../plan/tree-path.js";
import { installRootRpmdb, type RootRpmdbResult, rootRpmdbRecord } from "../root-rpmdb.js";
import { writeRpmdbSourceHint } from "../root-rpmdb-sources.js";
import type { CheckoutWarning, DirMode, ManifestRecord } from "../types.js";
import { applyDirModes } from "../write/dir-modes.js";
import { removeTree } from "../write/remove-tree.js";
import { pointRootAt } from "./activate.js";
import { checkoutPackageSet } from "./checkout-package-set.js";
import {
  type GenerationPackage,
  type GenerationState,
  type GenerationStats,
  type RepoSnapshot,
  writeJsonAtomic,
} from "./generation-state.js";
import {
  buildingDir,
  defaultsFile,
  generationDir,
  generationRef,
  manifestFile,
  rootLayout,
  stateFile,
} from "./grove-layout.js";
import { type GenerationMerge, mergeFromGeneration } from "./merge-generation.js";
import { cleanLeftovers } from "./remove-generation.js";
import { withRootLock } from "./root-lock.js";
import { scanRoot } from "./scan-root.js";

/** Options of {@link assembleRoot}. */
export interface AssembleOptions {
  /** The root's name (`roots/NAME`). */
  name: string;
  /** The packages, in install order, each already imported (its commit in the store). */
  packages: readonly GenerationPackage[];
  /** What was asked for, recorded for upgrades (caller-defined JSON, e.g. `{"packages":["apache2"]}`). */
  request?: JsonValue;
  /** The repositories the packages were solved from, with their metadata revisions. */
  repos?: readonly RepoSnapshot[];
  /**
   * Merge `/etc` and `/var` three ways from the current generation (default `"current"`), or start
   * from the packages' defaults (`"none"`).
   */
  mergeFrom?: "current" | "none";
  /** Write the rpmdb (default true). */
  rpmdb?: boolean;
  /** Copy every file instead of hard-linking. */
  copyAll?: boolean;
  /** Called as the assembly moves through its phases (for progress display). */
  onPhase?: (phase: AssemblePhase) => void;
}

/** Phases of {@link assembleRoot}, in order. */
export type AssemblePhase = "lock" | "checkout" | "merge" | "rpmdb" | "record" | "activate";

/** What {@link assembleRoot} built. */
export interface AssembleResult {
  /** Root name. */
  name: string;
  /** The new generation's number. */
  generation: number;
  /** The new generation's tree (`<dir>/roots/NAME.G`). */
  path: string;
  /** The root's symlink (`<dir>/roots/NAME`), now pointing at it. */
  link: string;
  /** The generation that was current before, if any. */
  previous: number | undefined;
  /** The packages installed. */
  packages: GenerationPackage[];
  /** The root commit recorded under ref `roots/NAME/G`. */
  rootCommit: string;
  /** Checkout counters and timings. */
  stats: CheckoutStats;
  /**
   * `"hit"` when the tree was written from the cached checkout recipe of this package set (an earlier root
   * of the same packages planned it), `"stored"` when it was planned now and the recipe kept.
   */
  recipe: "hit" | "stored";
  /** Checkout decisions worth telling. */
  warnings: CheckoutWarning[];
  /** Metadata not applied on disk (also in `state/roots/NAME/G.manifest.json`). */
  manifest: ManifestRecord[];
  /** The `/etc` and `/var` merges, when there was a previous generation. */
  merge: GenerationMerge | undefined;
  /** The rpmdb step, unless disabled. */
  rpmdb: RootRpmdbResult | undefined;
  /** Milliseconds per phase (lock wait, checkout, merge, rpmdb, record, activate). */
  timings: Record<AssemblePhase, number>;
  /** Total milliseconds, lock wait included. */
  elapsedMs: number;
}

/**
 * Assembles a new generation of root `name` from package commits and makes it current:
 * 1. takes the root's lock (two processes assembling one root run one after the other) and the
 *    store's shared lock (no gc meanwhile), and clears leftovers of interrupted runs;
 * 2. checks the packages out into `roots/.NAME.G.tmp` (hard links; `/etc` at `/usr/etc` plus a
 *    writable `/etc` and `/var` of copies; see {@link checkoutCommits});
 * 3. merges `/etc` and `/var` three ways with the current generation ({@link mergeArea});
 * 4. installs the rpmdb (a copy), applies directory modes;
 * 5. records the generation: root commit + ref `roots/NAME/G` (keeps the package commits from gc),
 *    `state/roots/NAME/G.json` (the lockfile) and the manifest;
 * 6. renames the tree to `roots/NAME.G` and swaps the symlink `roots/NAME` to it atomically.
 * A failure removes the partial tree; a kill leaves it under its temporary name (removed by the next
 * run). Either way the previous generation stays current and complete.
 * @param store - the store holding the package commits (its directory is the grove directory)
 * @param options - name, packages, request and repos to record, merge and rpmdb options
 */
export async function assembleRoot(store: Store, options: AssembleOptions): Promise<AssembleResult> {
  const started = performance.now();
  const layout = rootLayout(store.dir, options.name);
  const packages = options.packages.map(copyPackage);
  const timings: Record<AssemblePhase, number> = { lock: 0, checkout: 0, merge: 0, rpmdb: 0, record: 0, activate: 0 };
  let phase: AssemblePhase = "lock";
  let phaseStart = started;
  const enter = (next: AssemblePhase) => {
    const now = performance.now();
    timings[phase] += now - phaseStart;
    phase = next;
    phaseStart = now;
    options.onPhase?.(next);
  };
  options.onPhase?.("lock");
  return withRootLock(store, layout, () =>
    store.withLock(async () => {
      mkdirSync(layout.rootsDir, { recursive: true });
      mkdirSync(layout.stateDir, { recursive: true });
      const scan = await cleanLeftovers(store, layout, scanRoot(layout));
      const generation = scan.highest + 1;
      const previous = scan.current !== undefined && scan.trees.has(scan.current) ? scan.current : undefined;
      const building = buildingDir(layout, generation);
      let recorded = false;
      try {
        enter("checkout");
        const checkout = await checkoutPackageSet(
          store,
          packages.map((p) => ({ commitId: p.commitId, label: p.nevra })),
          building,
          { copyAll: options.copyAll ?? false },
        );
        let merge: GenerationMerge | undefined;
        const dirModes: DirMode[] = [...checkout.dirModes];
        if (previous !== undefined && (options.mergeFrom ?? "current") === "current") {
          enter("merge");
          merge = mergeFromGeneration(store, layout, previous, checkout.defaults, building);
          dirModes.push(...merge.etc.dirModes, ...merge.var.dirModes);
        }
        let rpmdb: RootRpmdbResult | undefined;
        if (options.rpmdb ?? true) {
          enter("rpmdb");
          rpmdb = await installRootRpmdb(store, building, packages);
        }
        applyDirModes(deepestFirst(dirModes));

        enter("record");
        const rootCommit = await store.writeCommit({
          version: 1,
          entries: [],
          metadata: { kind: "root", name: layout.name, generation, packages: packages.length },
          references: packages.map((p) => p.commitId),
        });
        const state: GenerationState = {
          format: "grove-root-generation",
          version: 1,
          name: layout.name,
          generation,
          createdAt: new Date().toISOString(),
          previous: previous ?? null,
          request: options.request ?? null,
          repos: (options.repos ?? []).map((r) => ({ ...r })),
          packages,
          rootCommit,
          stats: generationStats(checkout.stats, performance.now() - started),
          details: details(checkout.warnings, merge, rpmdb),
        };
        recorded = true;
        writeJsonAtomic(manifestFile(layout, generation), checkout.manifest);
        writeJsonAtomic(defaultsFile(layout, generation), checkout.defaults);
        writeJsonAtomic(stateFile(layout, generation), state);
        await store.setRef(generationRef(layout.name, generation), rootCommit);
        if (rpmdb !== undefined) writeRpmdbSourceHint(store.dir, rpmdb.key, layout.name, generation);

        enter("activate");
        const finalDir = generationDir(layout, generation);
        renameSync(building, finalDir);
        pointRootAt(layout, generation);
        timings.activate += performance.now() - phaseStart;
        return {
          name: layout.name,
          generation,
          path: finalDir,
          link: layout.link,
          previous,
          packages,
          rootCommit,
          stats: checkout.stats,
          recipe: checkout.recipe,
          warnings: checkout.warnings,
          manifest: checkout.manifest,
          merge,
          rpmdb,
          timings,
          elapsedMs: performance.now() - started,
        };
      } catch (err) {
        removeTree(building);
        if (recorded) await cleanLeftovers(store, layout, scanRoot(layout));
        throw err;
      }
    }),
  );
}

function generationStats(stats: CheckoutStats, elapsedMs: number): GenerationStats {
  return {
    linked: stats.linked,
    copied: stats.copied + stats.copiedFallback,
    dirs: stats.dirs,
    symlinks: stats.symlinks,
    bytesLinked: stats.bytesLinked,
    bytesCopied: stats.bytesCopied,
    elapsedMs: Math.round(elapsedMs),
  };
}

function copyPackage(p: GenerationPackage): GenerationPackage {
  if (typeof p?.nevra !== "string" || typeof p.commitId !== "string" || typeof p.sha256 !== "string") {
    throw new GroveError(
      "CHECKOUT_BAD_PACKAGE",
      `a package to assemble lacks nevra, sha256 or commitId: ${JSON.stringify(p)}`,
    );
  }
  return { nevra: p.nevra, sha256: p.sha256, commitId: p.commitId, ...(p.repo === undefined ? {} : { repo: p.repo }) };
}

function deepestFirst(dirModes: DirMode[]): DirMode[] {
  return dirModes
    .map((d, i) => ({ d, i, depth: typeof d.path === "string" ? depthOf(d.path) : depthOf(d.path.toString("latin1")) }))
    .sort((a, b) => b.depth - a.depth || a.i - b.i)
    .map((x) => x.d);
}

/** What the state file keeps beyond the lockfile: warnings, merge summary, rpmdb key. */
function details(
  warnings: readonly CheckoutWarning[],
  merge: GenerationMerge | undefined,
  rpmdb: RootRpmdbResult | undefined,
): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    warnings: warnings.slice(0, 100).map((w) => ({ kind: w.kind, path: w.path, message: w.message })),
  };
  if (merge !== undefined) {
    const summary = (r: AreaMergeReport) => ({
      kept: r.kept,
      updated: r.updated.length,
      replaced: r.replaced,
      added: r.added.length,
      removed: r.removed.length,
      rpmnew: r.rpmnew,
      rpmsave: r.rpmsave,
      rpmorig: r.rpmorig,
      skipped: r.skipped,
    });
    out.merge = { from: merge.from, etc: summary(merge.etc), var: summary(merge.var) };
  }
  if (rpmdb !== undefined) out.rpmdb = rootRpmdbRecord(rpmdb);
  return out;
}
