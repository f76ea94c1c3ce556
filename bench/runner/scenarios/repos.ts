/**
 * The repositories as grove and dnf see them: the corpus and update repositories over the loopback server, the
 * solver's metadata as a local directory.
 * @packageDocumentation
 */
import { pathToFileURL } from "node:url";
import type { GroveRepo } from "../grove/driver.js";
import type { DnfRepo, DnfTarget } from "../peers/dnf.js";
import type { ScenarioContext } from "./context.js";

/** Route and repository id of the corpus repository. */
export const BASE = "base";
/** Route and repository id of the update repository. */
export const UPDATES = "updates";
/** Repository id of the solver's metadata. */
export const SCALE = "scale";

/** The corpus repository (HTTP), optionally with the update repository. */
export function servedRepos(ctx: ScenarioContext, withUpdates = false): GroveRepo[] & DnfRepo[] {
  const repos = [{ id: BASE, url: ctx.server.url(BASE) }];
  if (withUpdates) repos.push({ id: UPDATES, url: ctx.server.url(UPDATES) });
  return repos;
}

/** The solver's metadata as grove sees it (`file://`). */
export function scaleRepoForGrove(ctx: ScenarioContext): GroveRepo[] {
  return [{ id: SCALE, url: pathToFileURL(`${ctx.corpus.solveRepoDir}/`).href }];
}

/** The solver's metadata as dnf sees it (a directory). */
export function scaleRepoForDnf(ctx: ScenarioContext): DnfRepo[] {
  return [{ id: SCALE, url: ctx.corpus.solveRepoDir }];
}

/** A dnf target in the reference environment. */
export function dnfTarget(ctx: ScenarioContext, root: string, cacheDir: string, repos: readonly DnfRepo[]): DnfTarget {
  return { root, cacheDir, repos, env: ctx.refEnv };
}
