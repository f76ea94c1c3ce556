/**
 * Disk usage as `du` counts it (allocated blocks, each hard-linked file once across all the paths of one call),
 * and the unique content of a set of trees: the allocated size of each distinct file content, counted once.
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import { createReadStream, lstatSync, readdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { GroveError } from "@grove/core";
import { runMeasured } from "./measured-command.js";

/**
 * Bytes allocated to `paths` together (`du -s -B1 -c`), each inode counted once.
 * @throws GroveError `BENCH_COMMAND_FAILED` when du fails, `BENCH_BAD_DU_OUTPUT` when its total is missing
 */
export async function diskUsage(paths: readonly string[]): Promise<number> {
  if (paths.length === 0) return 0;
  const run = await runMeasured({ command: "du", args: ["-s", "-B1", "-c", ...paths] });
  const total = /^(\d+)\s+total$/m.exec(run.stdout);
  if (total === null) throw new GroveError("BENCH_BAD_DU_OUTPUT", `du printed no total:\n${run.stdout.slice(-500)}`);
  return Number(total[1]);
}

/** The distinct file contents of some trees. */
export interface UniqueContent {
  /** Allocated bytes of one copy of each distinct regular-file content. */
  bytes: number;
  /** Distinct contents. */
  contents: number;
  /** Regular files seen (each path). */
  files: number;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The unique content of the trees under `roots` (symlinks to them followed once, at the top): every regular
 * file is hashed (once per inode), and each distinct content counts with the blocks of its first copy.
 * Directories, symlinks and other entries are not content and count nothing.
 */
export async function uniqueContent(roots: readonly string[]): Promise<UniqueContent> {
  const inodes = new Set<string>();
  const digests = new Set<string>();
  const result: UniqueContent = { bytes: 0, contents: 0, files: 0 };
  const walk = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      if (!entry.isFile()) continue;
      result.files++;
      const st = lstatSync(full);
      const inode = `${st.dev}:${st.ino}`;
      if (inodes.has(inode)) continue;
      inodes.add(inode);
      const digest = await sha256File(full);
      if (digests.has(digest)) continue;
      digests.add(digest);
      result.contents++;
      result.bytes += st.blocks * 512;
    }
  };
  for (const root of roots) await walk(realpathSync(root));
  return result;
}

/**
 * Paths that together cover the tree `root` except the subtrees `excluded` (for `du` of a directory minus its
 * caches): entries on the way to an excluded directory are opened, everything else is listed whole.
 */
export function pathsOutside(root: string, excluded: readonly string[]): string[] {
  const skip = excluded.map((e) => path.resolve(e));
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (skip.includes(full)) continue;
      if (entry.isDirectory() && skip.some((s) => s.startsWith(`${full}${path.sep}`))) visit(full);
      else out.push(full);
    }
  };
  visit(path.resolve(root));
  return out;
}
