/**
 * Scenario 3, second root: after the first root was assembled (untimed, from empty), assemble the second one in
 * the same grove directory; against dnf installing it into a new root with the cache the first install left.
 * Besides the time, the loopback server counts what each downloaded for the second root.
 * @packageDocumentation
 */
import path from "node:path";
import { runMeasured } from "../measured-command.js";
import { dnfInstall } from "../peers/dnf.js";
import { peakRssMb, type ResultRow, rssGoal, sizesFigure, timeFigure } from "../result-row.js";
import { type Contender, clear, measureRounds, type Sample } from "../rounds.js";
import type { ScenarioContext } from "./context.js";
import { dnfTarget, servedRepos } from "./repos.js";
import { dnfSample, groveSample } from "./samples.js";

function downloads(samples: readonly Sample[] | undefined) {
  const list = samples ?? [];
  const counts = [...new Set(list.map((s) => s.traffic?.packages ?? 0))];
  const noun = counts.length === 1 && counts[0] === 1 ? "package file" : "package files";
  return sizesFigure(
    list.map((s) => s.traffic?.packageBytes ?? 0),
    `, ${counts.join("/")} ${noun}`,
  );
}

/** Runs the second-root scenario. */
export async function secondRoot(ctx: ScenarioContext): Promise<ResultRow[]> {
  const { first, second } = ctx.corpus;
  const groveDir = path.join(ctx.workDir, "second-grove");
  const dnfCache = path.join(ctx.workDir, "second-dnf-cache");
  const firstRoot = path.join(ctx.workDir, "second-dnf-first");
  const secondRootDir = path.join(ctx.workDir, "second-dnf-second");
  const target = (root: string) => dnfTarget(ctx, root, dnfCache, servedRepos(ctx));
  const contenders: Contender[] = [
    {
      key: "grove",
      prepare: async () => {
        clear(groveDir);
        await ctx.grove.init(groveDir, servedRepos(ctx));
        await runMeasured(ctx.grove.assemble(groveDir, first.name, first.specs));
      },
      run: async () => ({
        grove: await groveSample(ctx, ctx.grove.assemble(groveDir, second.name, second.specs), "packages", {
          traffic: true,
        }),
      }),
    },
  ];
  if (ctx.peers) {
    contenders.push({
      key: "dnf",
      prepare: async () => {
        for (const d of [dnfCache, firstRoot, secondRootDir]) clear(d);
        await runMeasured(dnfInstall(target(firstRoot), first.specs));
      },
      run: async () => ({
        dnf: await dnfSample(ctx, dnfInstall(target(secondRootDir), second.specs), "Install", { traffic: true }),
      }),
    });
  }
  const samples = await measureRounds(ctx, "second root", contenders);
  for (const d of [groveDir, dnfCache, firstRoot, secondRootDir]) clear(d);

  const rss = peakRssMb(samples.get("grove"));
  const scenario = `second root ${second.name} after ${first.name}`;
  const peerName = "dnf --installroot, cache of the first";
  return [
    {
      key: "second",
      scenario,
      grove: timeFigure(samples.get("grove"), "packages"),
      peerName,
      peer: timeFigure(samples.get("dnf"), "packages"),
      groveRssMb: rss,
      goals: [rssGoal(rss, 150)],
    },
    {
      key: "second-downloads",
      scenario: `${scenario}: downloaded`,
      grove: downloads(samples.get("grove")),
      peerName,
      peer: downloads(samples.get("dnf")),
      groveRssMb: undefined,
      goals: [],
    },
  ];
}
