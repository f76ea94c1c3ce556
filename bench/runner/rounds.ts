/**
 * The measurement loop: every contender of a scenario runs once per round, in an order that rotates from round
 * to round (so load from elsewhere on the machine spreads evenly over them); the first `warmup` rounds are not
 * recorded. Preparation (clearing a root, filling a cache) is never timed, and is flushed to disk before the
 * timed part starts (see {@link settleDisk}).
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type { CommandRun } from "./measured-command.js";
import type { ScenarioContext } from "./scenarios/context.js";
import type { TrafficCounters } from "./static-server.js";

/** One timed run. */
export interface Sample {
  /** Wall-clock milliseconds. */
  wallMs: number;
  /** Peak RSS in KiB, when measured. */
  peakRssKb: number | undefined;
  /** What the loopback server sent during the run, when the scenario counts downloads. */
  traffic?: TrafficCounters;
  /** Packages the run installed, changed or solved, as its output says (a sanity check shown in the table). */
  count?: number;
}

/** Something a scenario measures. */
export interface Contender {
  /** Key of its samples (`grove`, `dnf`, ...). */
  key: string;
  /** Untimed preparation before each run. */
  prepare?: () => Promise<void>;
  /** The timed part; may record several samples under their own keys (e.g. an upgrade, then a no-op one). */
  run: () => Promise<Record<string, Sample>>;
}

/** A {@link Sample} from a measured command, with what else the scenario observed. */
export function sampleOf(
  run: CommandRun,
  extra: { traffic?: TrafficCounters; count?: number | undefined } = {},
): Sample {
  return {
    wallMs: run.wallMs,
    peakRssKb: run.peakRssKb,
    ...(extra.traffic === undefined ? {} : { traffic: extra.traffic }),
    ...(extra.count === undefined ? {} : { count: extra.count }),
  };
}

/**
 * Runs `contenders` for `ctx.warmup + ctx.runs` rounds and returns the recorded samples by key.
 * @param ctx - round settings and progress output
 * @param scenario - scenario name for progress lines
 */
export async function measureRounds(
  ctx: ScenarioContext,
  scenario: string,
  contenders: readonly Contender[],
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>();
  emptyTrash();
  const rounds = ctx.warmup + ctx.runs;
  for (let round = 0; round < rounds; round++) {
    const recorded = round >= ctx.warmup;
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length] as Contender;
      await contender.prepare?.();
      settleDisk();
      const results = await contender.run();
      for (const [key, sample] of Object.entries(results)) {
        if (recorded) samples.set(key, [...(samples.get(key) ?? []), sample]);
        const rss = sample.peakRssKb === undefined ? "" : `, ${Math.round(sample.peakRssKb / 1024)} MB RSS`;
        ctx.log(
          `${scenario}: ${recorded ? `run ${round - ctx.warmup + 1}/${ctx.runs}` : "warm-up"} ${key} ${(sample.wallMs / 1000).toFixed(2)} s${rss}`,
        );
      }
    }
  }
  emptyTrash();
  return samples;
}

/** Trash directories (one per parent directory used) holding what {@link clear} set aside. */
const trashDirs = new Set<string>();
let trashed = 0;

/**
 * Clears a directory for the next run (untimed): moves it into a `.bench-trash` directory beside it, which
 * {@link emptyTrash} deletes between scenarios' rounds, never between a preparation and its timed run.
 * Deleting a tree of thousands of files right before a timed run slowed that run (and so whichever contender
 * came next) by several seconds on this VM (see {@link settleDisk}); a rename costs nothing.
 */
export function clear(dir: string): void {
  if (!existsSync(dir)) return;
  const trash = path.join(path.dirname(dir), ".bench-trash");
  try {
    mkdirSync(trash, { recursive: true });
    renameSync(dir, path.join(trash, `${process.pid}-${++trashed}`));
    trashDirs.add(trash);
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Deletes what {@link clear} set aside and flushes the deletions to disk, then waits until the disk is quiet
 * again ({@link waitForQuietDisk}); untimed, before and after a scenario's rounds.
 */
export function emptyTrash(): void {
  if (trashDirs.size === 0) return;
  for (const trash of trashDirs) rmSync(trash, { recursive: true, force: true });
  trashDirs.clear();
  settleDisk();
  waitForQuietDisk();
}

/** Where {@link waitForQuietDisk} creates its probe directories (the benchmark's work directory), when set. */
let probeRoot: string | undefined;
let probes = 0;
/** `mkdir` time below which the disk counts as quiet (measured 18-30 µs when nothing else runs). */
const QUIET_MKDIR_US = 60;
/** Longest wait for a quiet disk. */
const MAX_QUIET_WAIT_MS = 120_000;

/** Sets the directory {@link waitForQuietDisk} probes (on the file system the contenders write to). */
export function setDiskProbe(dir: string): void {
  probeRoot = path.join(dir, ".disk-probe");
}

/** Microseconds per `mkdir` of 100 new directories under the probe directory. */
function probeMkdir(root: string): number {
  const dir = path.join(root, String(++probes));
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  for (let i = 0; i < 100; i++) mkdirSync(path.join(dir, String(i)));
  return ((performance.now() - started) * 1000) / 100;
}

/**
 * Waits until creating directories costs what it does on a quiet disk again. After a deletion of gigabytes (a
 * scenario's trash: dnf roots, grove stores) this VM's disk (ext4 with `discard`) kept `mkdir` at 80-550 µs for
 * one to several minutes, against 18-30 µs quiet, which the first contenders of the next scenario paid. The probe
 * directories are never deleted while the benchmark runs (they go with the work directory).
 */
export function waitForQuietDisk(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  maxWaitMs = MAX_QUIET_WAIT_MS,
): void {
  if (probeRoot === undefined) return;
  const started = performance.now();
  let us = probeMkdir(probeRoot);
  while (us > QUIET_MKDIR_US && performance.now() - started < maxWaitMs) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    us = probeMkdir(probeRoot);
  }
  const waited = (performance.now() - started) / 1000;
  if (waited > 1) log(`disk: waited ${waited.toFixed(0)} s for a quiet disk (mkdir ${us.toFixed(0)} µs)`);
}

/** How long the disk is left alone after {@link settleDisk}'s `sync`. */
const SETTLE_MS = 2000;

/**
 * Flushes the file systems (`sync`) and waits {@link SETTLE_MS}, then up to 30 s more until the disk is quiet
 * ({@link waitForQuietDisk}), so that the previous run's writes and any deletion (a preparation's `grove rm`,
 * {@link emptyTrash}) are behind the disk before the next timed run. On
 * this VM's disk (ext4 mounted with `discard`) creating directories and files right after deleting a
 * 7,000-entry tree costs 10-40x more (`mkdir` 300-800 µs against 18-28 µs) for about two seconds, `sync` or
 * not; without this wait that cost landed on whichever contender ran next.
 */
export function settleDisk(): void {
  spawnSync("sync", { stdio: "ignore" });
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
  waitForQuietDisk(undefined, MAX_SETTLE_QUIET_WAIT_MS);
}

/** Longest extra wait for a quiet disk after a preparation (see {@link settleDisk}). */
const MAX_SETTLE_QUIET_WAIT_MS = 30_000;
