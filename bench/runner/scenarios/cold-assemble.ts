/**
 * Scenario 1, cold assemble: the first root from an empty grove directory (empty cache, nothing imported), the
 * repository served over loopback HTTP, against `dnf --installroot` with an empty cache.
 * @packageDocumentation
 */
import path from "node:path";
import { dnfInstall } from "../peers/dnf.js";
import { peakRssMb, type ResultRow, ratioGoal, rssGoal, timeFigure } from "../result-row.js";
import { type Contender, clear, measureRounds } from "../rounds.js";
import type { ScenarioContext } from "./context.js";
import { dnfTarget, servedRepos } from "./repos.js";
import { dnfSample, groveSample } from "./samples.js";

/** Runs the cold-assemble scenario. */
export async function coldAssemble(ctx: ScenarioContext): Promise<ResultRow[]> {
  const set = ctx.corpus.first;
  const groveDir = path.join(ctx.workDir, "cold-grove");
  const dnfRoot = path.join(ctx.workDir, "cold-dnf-root");
  const dnfCache = path.join(ctx.workDir, "cold-dnf-cache");
  const contenders: Contender[] = [
    {
      key: "grove",
      prepare: async () => {
        clear(groveDir);
        await ctx.grove.init(groveDir, servedRepos(ctx));
      },
      run: async () => ({
        grove: await groveSample(ctx, ctx.grove.assemble(groveDir, set.name, set.specs), "packages"),
      }),
    },
  ];
  if (ctx.peers) {
    contenders.push({
      key: "dnf",
      prepare: async () => {
        clear(dnfRoot);
        clear(dnfCache);
      },
      run: async () => ({
        dnf: await dnfSample(
          ctx,
          dnfInstall(dnfTarget(ctx, dnfRoot, dnfCache, servedRepos(ctx)), set.specs),
          "Install",
        ),
      }),
    });
  }
  const samples = await measureRounds(ctx, "cold", contenders);
  clear(groveDir);
  clear(dnfRoot);
  clear(dnfCache);
  const grove = timeFigure(samples.get("grove"), "packages");
  const peer = timeFigure(samples.get("dnf"), "packages");
  const rss = peakRssMb(samples.get("grove"));
  const row = { grove, peer, peerName: "dnf --installroot, empty cache" };
  return [
    {
      key: "cold",
      scenario: `cold assemble ${set.name} over HTTP`,
      ...row,
      groveRssMb: rss,
      goals: [ratioGoal(row, 3, "faster"), rssGoal(rss, 150)],
    },
  ];
}
