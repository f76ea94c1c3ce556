import { readdir } from "node:fs/promises";
import path from "node:path";

const FAN_OUT = /^[0-9a-f]{2}$/;

/** What a fan-out directory (`objects/`, `commits/`, `index/source/`) holds. */
export interface FanOutListing {
  /** `<aa>/<name>` of every file below a valid `<aa>` directory. */
  files: string[];
  /** Entries that are not `<aa>` directories (relative to the grove directory). */
  strays: string[];
}

/**
 * Lists a two-level fan-out directory `<dir>/<sub>/<aa>/<name>`; a missing directory is empty.
 * @param dir - the grove directory
 * @param sub - `objects`, `commits` or `index/source`
 */
export async function listFanOut(dir: string, sub: string): Promise<FanOutListing> {
  const base = path.join(dir, sub);
  const out: FanOutListing = { files: [], strays: [] };
  for (const top of await readdirOrEmpty(base)) {
    if (!top.isDirectory() || !FAN_OUT.test(top.name)) {
      out.strays.push(`${sub}/${top.name}`);
      continue;
    }
    for (const f of await readdirOrEmpty(path.join(base, top.name))) out.files.push(`${top.name}/${f.name}`);
  }
  return out;
}

/**
 * Lists every file below `refs/` as ref names (`/`-joined), plus directories' names are walked.
 * @param dir - the grove directory
 */
export async function listRefFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdirOrEmpty(path.join(dir, "refs", rel))) {
      const name = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(name);
      else out.push(name);
    }
  };
  await walk("");
  return out.sort();
}

async function readdirOrEmpty(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
