/**
 * Scenario 5, solve: resolve a large request over the metadata-only scale repository (Debian's whole amd64
 * index as rpm-md), installing nothing: grove against `dnf --assumeno install`. Twice: with the parsed
 * metadata cached (the usual case), and cold (each run starts from an empty cache and parses primary.xml).
 * @packageDocumentation
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { dnfSolve } from "../peers/dnf.js";
import { peakRssMb, type ResultRow, rssGoal, timeFigure } from "../result-row.js";
import { type Contender, clear, measureRounds } from "../rounds.js";
import type { ScenarioContext } from "./context.js";
import { dnfTarget, scaleRepoForDnf, scaleRepoForGrove } from "./repos.js";
import { dnfSample, groveSample } from "./samples.js";

/** Runs the solver scenario. */
export async function solveScale(ctx: ScenarioContext): Promise<ResultRow[]> {
  const specs = ctx.corpus.solveSpecs;
  const dir = (name: string) => path.join(ctx.workDir, `solve-${name}`);
  const warmGrove = dir("grove-warm");
  const coldGrove = dir("grove-cold");
  const emptyRoot = dir("dnf-root");
  const warmCache = dir("dnf-cache-warm");
  const coldCache = dir("dnf-cache-cold");
  clear(warmGrove);
  await ctx.grove.init(warmGrove, scaleRepoForGrove(ctx));
  const groveSolve = (groveDir: string) => groveSample(ctx, ctx.grove.solve(groveDir, specs), "packages");
  const contenders: Contender[] = [
    { key: "grove-warm", run: async () => ({ "grove-warm": await groveSolve(warmGrove) }) },
    {
      key: "grove-cold",
      prepare: async () => {
        clear(coldGrove);
        await ctx.grove.init(coldGrove, scaleRepoForGrove(ctx));
      },
      run: async () => ({ "grove-cold": await groveSolve(coldGrove) }),
    },
  ];
  if (ctx.peers) {
    const run = async (cache: string) => {
      clear(emptyRoot);
      mkdirSync(emptyRoot, { recursive: true });
      return dnfSample(ctx, dnfSolve(dnfTarget(ctx, emptyRoot, cache, scaleRepoForDnf(ctx)), specs), "Install");
    };
    contenders.push(
      { key: "dnf-warm", run: async () => ({ "dnf-warm": await run(warmCache) }) },
      {
        key: "dnf-cold",
        prepare: async () => clear(coldCache),
        run: async () => ({ "dnf-cold": await run(coldCache) }),
      },
    );
  }
  ctx.log("solve: filling the metadata caches (untimed)");
  for (const contender of contenders.filter((c) => c.key.endsWith("-warm"))) await contender.run();
  const samples = await measureRounds(ctx, "solve", contenders);
  for (const d of [warmGrove, coldGrove, emptyRoot, warmCache, coldCache]) clear(d);

  const peerName = "dnf --assumeno install";
  const request = `${specs.join(" ")} over ${ctx.corpus.solveDescription}`;
  const row = (key: "warm" | "cold", what: string): ResultRow => {
    const rss = peakRssMb(samples.get(`grove-${key}`));
    return {
      key: `solve-${key}`,
      scenario: `solve ${request}, ${what}`,
      grove: timeFigure(samples.get(`grove-${key}`), "packages"),
      peerName,
      peer: timeFigure(samples.get(`dnf-${key}`), "packages"),
      groveRssMb: rss,
      goals: [rssGoal(rss, 400)],
    };
  };
  return [row("warm", "metadata cached"), row("cold", "empty cache")];
}
