/**
 * Scenario 4, upgrades: a root of the first set is assembled from the corpus repository (untimed), then the
 * update repository (one of its packages rebuilt) is added and the root upgraded (timed), then upgraded again
 * with nothing to do (timed). Against dnf doing the same in an install root with a warm cache. The warm-up
 * round downloads and imports the updated package; later rounds find it cached, as a second machine-local
 * upgrade would.
 * @packageDocumentation
 */
import path from "node:path";
import { runMeasured } from "../measured-command.js";
import { dnfInstall, dnfUpgrade } from "../peers/dnf.js";
import { peakRssMb, type ResultRow, rssGoal, timeFigure, timeGoal } from "../result-row.js";
import { type Contender, clear, measureRounds, type Sample } from "../rounds.js";
import type { ScenarioContext } from "./context.js";
import { dnfTarget, servedRepos } from "./repos.js";
import { dnfSample, groveSample } from "./samples.js";

/** Runs the upgrade scenario. */
export async function upgrades(ctx: ScenarioContext): Promise<ResultRow[]> {
  const set = ctx.corpus.first;
  const groveDir = path.join(ctx.workDir, "upgrade-grove");
  const dnfCache = path.join(ctx.workDir, "upgrade-dnf-cache");
  const dnfRoot = path.join(ctx.workDir, "upgrade-dnf-root");
  // A new root each round (see warm-assemble.ts): no deletion right before a timed run.
  let round = 0;
  let name = "up0";
  clear(groveDir);
  await ctx.grove.init(groveDir, servedRepos(ctx));
  const contenders: Contender[] = [
    {
      key: "grove",
      prepare: async () => {
        await ctx.grove.setRepos(groveDir, servedRepos(ctx));
        name = `up${++round}`;
        await runMeasured(ctx.grove.assemble(groveDir, name, set.specs));
        await ctx.grove.setRepos(groveDir, servedRepos(ctx, true));
      },
      run: async () => {
        const one = await groveSample(ctx, ctx.grove.upgrade(groveDir, name), "changed");
        const noop = await groveSample(ctx, ctx.grove.upgrade(groveDir, name), "changed");
        return { "grove-one": one, "grove-noop": noop };
      },
    },
  ];
  if (ctx.peers) {
    contenders.push({
      key: "dnf",
      prepare: async () => {
        clear(dnfRoot);
        await runMeasured(dnfInstall(dnfTarget(ctx, dnfRoot, dnfCache, servedRepos(ctx)), set.specs));
      },
      run: async () => {
        const target = dnfTarget(ctx, dnfRoot, dnfCache, servedRepos(ctx, true));
        const one = await dnfSample(ctx, dnfUpgrade(target), "Upgrade");
        const noop = await dnfSample(ctx, dnfUpgrade(target), "Upgrade");
        return { "dnf-one": one, "dnf-noop": noop };
      },
    });
  }
  // The first upgrade downloads and imports the updated package; the rounds after it find it kept (grove's
  // store, dnf's keepcache), so it is measured once on its own.
  const first = new Map<string, Sample[]>();
  for (const contender of contenders) {
    await contender.prepare?.();
    const sample = (await contender.run())[`${contender.key}-one`];
    if (sample !== undefined) first.set(contender.key, [sample]);
    ctx.log(`upgrade: first ${contender.key} ${((sample?.wallMs ?? 0) / 1000).toFixed(2)} s`);
  }
  const samples = await measureRounds(ctx, "upgrade", contenders);
  for (const d of [groveDir, dnfCache, dnfRoot]) clear(d);

  const peerName = "dnf upgrade --installroot";
  const firstTime = timeFigure(first.get("grove"), "changed");
  const firstRss = peakRssMb(first.get("grove"));
  const one = timeFigure(samples.get("grove-one"), "changed");
  const noop = timeFigure(samples.get("grove-noop"), "changed");
  const oneRss = peakRssMb(samples.get("grove-one"));
  const noopRss = peakRssMb(samples.get("grove-noop"));
  const update = `${ctx.corpus.updateDescription} update repository`;
  return [
    {
      key: "upgrade-first",
      scenario: `upgrade ${set.name}, one package changed (${update}), first time: downloads it`,
      grove: firstTime,
      peerName,
      peer: timeFigure(first.get("dnf"), "changed"),
      groveRssMb: firstRss,
      goals: [timeGoal(firstTime, 1), rssGoal(firstRss, 150)],
    },
    {
      key: "upgrade-one",
      scenario: `upgrade ${set.name}, one package changed, update already downloaded`,
      grove: one,
      peerName,
      peer: timeFigure(samples.get("dnf-one"), "changed"),
      groveRssMb: oneRss,
      goals: [timeGoal(one, 1), rssGoal(oneRss, 150)],
    },
    {
      key: "upgrade-noop",
      scenario: `upgrade ${set.name}, nothing to do`,
      grove: noop,
      peerName,
      peer: timeFigure(samples.get("dnf-noop"), "changed"),
      groveRssMb: noopRss,
      goals: [timeGoal(noop, 0.3)],
    },
  ];
}
