/**
 * Timed runs of grove and dnf that also record what the command says it did (packages installed, changed or
 * solved) and, when asked, what it downloaded from the loopback server.
 * @packageDocumentation
 */
import type { GroveOutcome } from "../grove/driver.js";
import { type CommandSpec, runMeasured } from "../measured-command.js";
import { dnfSummaryCount } from "../peers/dnf.js";
import { type Sample, sampleOf } from "../rounds.js";
import type { ScenarioContext } from "./context.js";

/** Whether to count the loopback server's traffic during the run. */
export interface TrafficOption {
  /** Reset the server's counters before and record them after. */
  traffic?: boolean;
}

async function measured(ctx: ScenarioContext, spec: CommandSpec, options: TrafficOption) {
  if (options.traffic) ctx.server.reset();
  const run = await runMeasured(spec);
  return { run, traffic: options.traffic ? ctx.server.traffic() : undefined };
}

/**
 * Runs a grove command and records `field` of its reported outcome.
 * @param field - `packages` (assemble, solve) or `changed` (upgrade)
 */
export async function groveSample(
  ctx: ScenarioContext,
  spec: CommandSpec,
  field: keyof GroveOutcome,
  options: TrafficOption = {},
): Promise<Sample> {
  const { run, traffic } = await measured(ctx, spec, options);
  return sampleOf(run, { traffic, count: ctx.grove.outcome(run.stdout)[field] });
}

/**
 * Runs a dnf command and records the count of its transaction summary line for `verb`.
 * @param verb - `Install` (install, solve) or `Upgrade`
 */
export async function dnfSample(
  ctx: ScenarioContext,
  spec: CommandSpec,
  verb: "Install" | "Upgrade",
  options: TrafficOption = {},
): Promise<Sample> {
  const { run, traffic } = await measured(ctx, spec, options);
  return sampleOf(run, { traffic, count: dnfSummaryCount(run.stdout, verb) });
}
