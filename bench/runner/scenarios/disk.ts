/**
 * Scenario 6, disk: three roots assembled in one grove directory against three dnf install roots, measured with
 * `du` (hard links counted once), and grove's total against the unique content of its three roots (each
 * distinct file content once). Caches (downloaded packages, metadata) are left out of both and noted apart.
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { diskUsage, pathsOutside, uniqueContent } from "../disk-usage.js";
import { runMeasured } from "../measured-command.js";
import { dnfInstall } from "../peers/dnf.js";
import { type Goal, type ResultRow, sizeFigure } from "../result-row.js";
import { clear } from "../rounds.js";
import type { ScenarioContext } from "./context.js";
import { dnfTarget, servedRepos } from "./repos.js";

/** What the disk scenario found. */
export interface DiskResult {
  /** Table rows. */
  rows: ResultRow[];
  /** Notes for under the table (cache sizes). */
  notes: string[];
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

/** Runs the disk scenario. */
export async function diskThreeRoots(ctx: ScenarioContext): Promise<DiskResult> {
  const sets = [ctx.corpus.first, ctx.corpus.second, ctx.corpus.third];
  const groveDir = path.join(ctx.workDir, "disk-grove");
  const dnfCache = path.join(ctx.workDir, "disk-dnf-cache");
  const dnfRoots = sets.map((s) => path.join(ctx.workDir, `disk-dnf-${s.name}`));
  clear(groveDir);
  await ctx.grove.init(groveDir, servedRepos(ctx));
  for (const set of sets) {
    ctx.log(`disk: grove assembles ${set.name}`);
    await runMeasured(ctx.grove.assemble(groveDir, set.name, set.specs));
  }
  const caches = ctx.grove.cacheDirs(groveDir).map((d) => path.resolve(d));
  const groveBytes = await diskUsage(pathsOutside(groveDir, caches));
  const groveCache = await diskUsage(caches.filter((d) => existsSync(d)));
  const unique = await uniqueContent(sets.map((s) => ctx.grove.rootPath(groveDir, s.name)));

  let dnfBytes: number | undefined;
  let dnfCacheBytes: number | undefined;
  if (ctx.peers) {
    clear(dnfCache);
    for (const [i, set] of sets.entries()) {
      ctx.log(`disk: dnf installs ${set.name}`);
      clear(dnfRoots[i] as string);
      await runMeasured(dnfInstall(dnfTarget(ctx, dnfRoots[i] as string, dnfCache, servedRepos(ctx)), set.specs));
    }
    dnfBytes = await diskUsage(dnfRoots);
    dnfCacheBytes = await diskUsage([dnfCache]);
  }
  for (const d of [groveDir, dnfCache, ...dnfRoots]) clear(d);

  const names = sets.map((s) => s.name).join(", ");
  const grove = sizeFigure(groveBytes);
  const ratio = groveBytes / unique.bytes;
  const uniqueGoal: Goal = { text: `grove ≤ 1.05x unique content (${ratio.toFixed(3)}x)`, met: ratio <= 1.05 };
  const notes = [
    `disk: grove's caches (downloaded packages, metadata, checkout recipes, solutions; not counted) ${mb(groveCache)}` +
      (dnfCacheBytes === undefined ? "" : `; dnf's cache (not counted) ${mb(dnfCacheBytes)}`) +
      `; unique content: ${unique.contents.toLocaleString("en-US")} distinct contents in ${unique.files.toLocaleString("en-US")} files of grove's three roots`,
  ];
  return {
    notes,
    rows: [
      {
        key: "disk-dnf",
        scenario: `disk: three roots (${names})`,
        grove,
        peerName: "three dnf install roots (du)",
        peer: dnfBytes === undefined ? undefined : sizeFigure(dnfBytes),
        groveRssMb: undefined,
        goals: [],
      },
      {
        key: "disk-unique",
        scenario: `disk: three roots (${names})`,
        grove,
        peerName: "unique content of the three roots",
        peer: sizeFigure(unique.bytes),
        groveRssMb: undefined,
        goals: [uniqueGoal],
      },
    ],
  };
}
