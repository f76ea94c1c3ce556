/**
 * Scenario 2, warm assemble: the same root again with everything imported and cached, against dnf with a warm
 * cache, `rpm -i --root --nodeps --noscripts` of the same package files, and `ostree checkout -U -H` of the same
 * tree (a dnf-built root committed once to a bare-user repository: the floor for linking an imported tree).
 * @packageDocumentation
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { runMeasured } from "../measured-command.js";
import { dnfInstall } from "../peers/dnf.js";
import { ostreeCheckout, ostreeCommit, ostreeInit } from "../peers/ostree.js";
import { rpmInstall } from "../peers/rpm-install.js";
import { peakRssMb, type ResultRow, ratioGoal, rssGoal, timeFigure } from "../result-row.js";
import { type Contender, clear, measureRounds, sampleOf } from "../rounds.js";
import type { ScenarioContext } from "./context.js";
import { installedPackageFiles } from "./package-files.js";
import { dnfTarget, servedRepos } from "./repos.js";
import { dnfSample, groveSample } from "./samples.js";

/** Runs the warm-assemble scenario. */
export async function warmAssemble(ctx: ScenarioContext): Promise<ResultRow[]> {
  const set = ctx.corpus.first;
  const dir = (name: string) => path.join(ctx.workDir, `warm-${name}`);
  const groveDir = dir("grove");
  const dnfCache = dir("dnf-cache");
  const seedRoot = dir("dnf-seed");
  const dnfRoot = dir("dnf-root");
  const rpmRoot = dir("rpm-root");
  const ostreeRepo = dir("ostree-repo");
  const checkout = dir("ostree-checkout");
  const target = (root: string) => dnfTarget(ctx, root, dnfCache, servedRepos(ctx));

  ctx.log("warm: importing and caching (untimed)");
  clear(groveDir);
  await ctx.grove.init(groveDir, servedRepos(ctx));
  await runMeasured(ctx.grove.assemble(groveDir, "seed", set.specs));
  // A new root name each round rather than `grove rm` of the last one: deleting a tree right before a timed run
  // slows the disk for the run (see settleDisk), and the peers' trees are only set aside (see clear).
  let round = 0;
  const contenders: Contender[] = [
    {
      key: "grove",
      run: async () => ({
        grove: await groveSample(ctx, ctx.grove.assemble(groveDir, `warm${++round}`, set.specs), "packages"),
      }),
    },
  ];
  if (ctx.peers) {
    clear(seedRoot);
    clear(dnfCache);
    await runMeasured(dnfInstall(target(seedRoot), set.specs));
    const files = await installedPackageFiles(seedRoot, [ctx.corpus.repoDir], ctx.refEnv);
    contenders.push(
      {
        key: "dnf",
        prepare: async () => clear(dnfRoot),
        run: async () => ({ dnf: await dnfSample(ctx, dnfInstall(target(dnfRoot), set.specs), "Install") }),
      },
      {
        key: "rpm",
        prepare: async () => clear(rpmRoot),
        run: async () => ({
          rpm: sampleOf(await runMeasured(rpmInstall(rpmRoot, files, ctx.refEnv)), { count: files.length }),
        }),
      },
    );
    if (ctx.ostree) {
      clear(ostreeRepo);
      await runMeasured(ostreeInit(ostreeRepo));
      await runMeasured(ostreeCommit(ostreeRepo, "root", seedRoot));
      contenders.push({
        key: "ostree",
        prepare: async () => clear(checkout),
        run: async () => ({ ostree: sampleOf(await runMeasured(ostreeCheckout(ostreeRepo, "root", checkout))) }),
      });
    }
  }
  const samples = await measureRounds(ctx, "warm", contenders);
  for (const d of [groveDir, dnfCache, seedRoot, dnfRoot, rpmRoot, ostreeRepo, checkout]) if (existsSync(d)) clear(d);

  const grove = timeFigure(samples.get("grove"), "packages");
  const rss = peakRssMb(samples.get("grove"));
  const scenario = `warm assemble ${set.name}`;
  const dnf = { grove, peer: timeFigure(samples.get("dnf"), "packages"), peerName: "dnf --installroot, warm cache" };
  const rpm = {
    grove,
    peer: timeFigure(samples.get("rpm"), "packages"),
    peerName: "rpm -i --root --nodeps --noscripts",
  };
  const ostree = {
    grove,
    peer: timeFigure(samples.get("ostree")),
    peerName: ctx.ostree ? "ostree checkout -U -H (bare-user)" : "ostree checkout -H (ostree not installed)",
  };
  return [
    { key: "warm-dnf", scenario, ...dnf, groveRssMb: rss, goals: [ratioGoal(dnf, 10, "faster"), rssGoal(rss, 150)] },
    { key: "warm-rpm", scenario, ...rpm, groveRssMb: rss, goals: [] },
    { key: "warm-ostree", scenario, ...ostree, groveRssMb: rss, goals: [ratioGoal(ostree, 1, "(no slower)")] },
  ];
}
