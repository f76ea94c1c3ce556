import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { GroveError } from "@grove/core/store";
import { RepoErrorCode } from "../errors.js";
import { isValidRepoId, makeRepoConfig, parseRepoFile, type RepoConfig, serializeRepoFile } from "./repo-config.js";

/** Name of the directory, inside a grove directory, that holds the `.repo` files. */
export const REPOS_DIR_NAME = "repos.d";

/** A repository definition together with the `.repo` file it was read from. */
export interface ConfiguredRepo {
  /** The definition. */
  config: RepoConfig;
  /** Absolute path of the `.repo` file holding it. */
  file: string;
}

/** Options of {@link addRepo}: any repository option except the id and base URL. */
export type AddRepoOptions = Partial<Omit<RepoConfig, "id" | "baseurl">>;

/**
 * The `repos.d` directory of a grove directory.
 *
 * @param dir - the grove directory
 */
export function reposDir(dir: string): string {
  return path.join(dir, REPOS_DIR_NAME);
}

/**
 * Read every `*.repo` file of `<dir>/repos.d` (a missing directory means no repositories).
 *
 * @param dir - the grove directory
 * @returns the definitions sorted by id, each with its file
 * @throws GroveError `REPO_CONFIG_INVALID` for a malformed file or an id defined in two files
 */
export async function readReposDir(dir: string): Promise<ConfiguredRepo[]> {
  const folder = reposDir(dir);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const found = new Map<string, ConfiguredRepo>();
  for (const name of names.filter((n) => n.endsWith(".repo")).sort()) {
    const file = path.join(folder, name);
    for (const config of parseRepoFile(readFileSync(file, "utf8"), file)) {
      const previous = found.get(config.id);
      if (previous !== undefined) {
        throw new GroveError(
          RepoErrorCode.configInvalid,
          `${file}: repository "${config.id}" is already defined in ${previous.file}`,
          { subject: file },
        );
      }
      found.set(config.id, { config, file });
    }
  }
  return [...found.values()].sort((a, b) => (a.config.id < b.config.id ? -1 : a.config.id > b.config.id ? 1 : 0));
}

/**
 * The repositories configured in a grove directory, sorted by id.
 *
 * @param dir - the grove directory (its `repos.d/` holds the `.repo` files)
 */
export async function listRepos(dir: string): Promise<RepoConfig[]> {
  return (await readReposDir(dir)).map((entry) => entry.config);
}

/**
 * Add a repository: writes `<dir>/repos.d/<id>.repo`. A URL without a scheme is taken as a local
 * path and stored as a `file://` URL.
 *
 * @param dir - the grove directory
 * @param id - new repository id
 * @param url - its base URL (`http(s)://`, `file://`, or a local path)
 * @param options - other options (name, priority, gpgcheck, ...)
 * @returns the definition written
 * @throws GroveError `REPO_CONFIG_INVALID` for a bad id or URL, `REPO_EXISTS` when the id is taken
 */
export async function addRepo(dir: string, id: string, url: string, options: AddRepoOptions = {}): Promise<RepoConfig> {
  if (!isValidRepoId(id)) {
    throw new GroveError(
      RepoErrorCode.configInvalid,
      `invalid repository id "${id}" (allowed: letters, digits, _ . : -)`,
      { subject: id },
    );
  }
  const existing = (await readReposDir(dir)).find((entry) => entry.config.id === id);
  if (existing !== undefined) {
    throw new GroveError(RepoErrorCode.exists, `repository "${id}" already exists (in ${existing.file})`, {
      subject: id,
      hint: `remove it first with "grove repo rm ${id}"`,
    });
  }
  const config = makeRepoConfig(id, { ...options, baseurl: [normaliseUrl(url)] });
  const file = path.join(reposDir(dir), `${id}.repo`);
  await mkdir(reposDir(dir), { recursive: true });
  await writeAtomically(file, serializeRepoFile([config]));
  return config;
}

/**
 * Remove a repository: deletes its `.repo` file, or rewrites the file without it when it holds others too.
 *
 * @param dir - the grove directory
 * @param id - the repository id
 * @returns the removed definition
 * @throws GroveError `REPO_UNKNOWN_ID` when no repository has that id
 */
export async function removeRepo(dir: string, id: string): Promise<RepoConfig> {
  const all = await readReposDir(dir);
  const target = all.find((entry) => entry.config.id === id);
  if (target === undefined) {
    throw new GroveError(RepoErrorCode.unknownId, `no repository "${id}" in ${reposDir(dir)}`, {
      subject: id,
      hint: 'see "grove repo list"',
    });
  }
  const rest = parseRepoFile(await readFile(target.file, "utf8"), target.file).filter((c) => c.id !== id);
  if (rest.length === 0) await rm(target.file);
  else await writeAtomically(target.file, serializeRepoFile(rest));
  return target.config;
}

function normaliseUrl(url: string): string {
  if (url === "") throw new GroveError(RepoErrorCode.configInvalid, "the repository URL is empty");
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) || url.startsWith("$")) return url;
  return pathToFileURL(path.resolve(url)).href;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
