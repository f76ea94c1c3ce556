import type { RootInfo } from "@grove/checkout";
import type { CliContext } from "../context.js";
import { formatSize } from "../output/format-size.js";
import type { RootCommand } from "../root-command.js";
import { resolveStoreDir } from "../store-dir.js";

/** One generation as `grove list --json` prints it. */
export interface ListedGeneration {
  /** Generation number. */
  generation: number;
  /** True when `roots/NAME` points at it. */
  current: boolean;
  /** False for an interrupted build or removal. */
  complete: boolean;
  /** Its tree. */
  path: string;
  /** Packages in it (null without a readable record). */
  packages: number | null;
  /** Bytes of its files: linked (shared with the store and other roots) plus copied (its own). */
  bytes: number | null;
  /** Bytes of its own copies (`/etc`, `/var`, rpmdb excluded). */
  bytesCopied: number | null;
  /** When it was built. */
  createdAt: string | null;
  /** Its request, e.g. `{"packages":["apache2"],...}`. */
  request: unknown;
}

/** One root as `grove list --json` prints it. */
export interface ListedRoot {
  /** Root name. */
  name: string;
  /** `roots/NAME`. */
  path: string;
  /** The current generation, or null. */
  current: number | null;
  /** Its generations, oldest first. */
  generations: ListedGeneration[];
}

/** The `grove list --json` form of a root. */
export function listedRoot(root: RootInfo): ListedRoot {
  return {
    name: root.name,
    path: root.path,
    current: root.current ?? null,
    generations: root.generations.map((g) => ({
      generation: g.generation,
      current: g.current,
      complete: g.complete,
      path: g.path,
      packages: g.state?.packages.length ?? null,
      bytes: g.state === undefined ? null : g.state.stats.bytesLinked + g.state.stats.bytesCopied,
      bytesCopied: g.state?.stats.bytesCopied ?? null,
      createdAt: g.state?.createdAt ?? null,
      request: g.state?.request ?? null,
    })),
  };
}

/** `grove list [--json]`: roots, their generations, package counts and sizes. */
export const registerListCommand = (root: RootCommand, ctx: CliContext): void => {
  root
    .command("list")
    .summary("list roots and their generations")
    .description(
      "List every root with its generations: package count, size (files linked from the store plus " +
        "the root's own copies) and build time. '*' marks the current generation.",
    )
    .option("--json", "print an array of roots as JSON")
    .action(async (options) => {
      const { listRoots, openGroveDir } = await import("@grove/checkout");
      const store = await openGroveDir(resolveStoreDir(root.opts().store, ctx));
      const roots = listRoots(store).map(listedRoot);
      if (options.json) {
        ctx.stdout(`${JSON.stringify(roots, null, 2)}\n`);
        return;
      }
      if (roots.length === 0) {
        ctx.stdout("no roots (create one with `grove assemble NAME PKG...`)\n");
        return;
      }
      const rows = [["ROOT", "GENERATION", "PACKAGES", "SIZE", "CREATED"]];
      for (const r of roots) {
        for (const g of r.generations) {
          rows.push([
            r.name,
            `${g.generation}${g.current ? " *" : ""}${g.complete ? "" : " (incomplete)"}`,
            g.packages === null ? "-" : String(g.packages),
            g.bytes === null ? "-" : formatSize(g.bytes),
            g.createdAt ?? "-",
          ]);
        }
      }
      ctx.stdout(table(rows));
    });
};

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
