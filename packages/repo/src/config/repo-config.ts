import { GroveError } from "@grove/core/store";
import { RepoErrorCode } from "../errors.js";
import { type IniSection, parseIni, serializeIni } from "./ini.js";
import { formatMetadataExpire, parseMetadataExpire } from "./metadata-expire.js";

/** One repository definition, as a `[id]` section of a yum/dnf `.repo` file describes it. */
export interface RepoConfig {
  /** The section name: letters, digits and `_ . : -`. */
  id: string;
  /** Human name (defaults to the id). */
  name: string;
  /** Base URLs as written (before `$variable` substitution); several are mirrors tried in order. */
  baseurl: string[];
  /** Metalink URL as written, if any. */
  metalink?: string;
  /** Mirrorlist URL as written, if any. */
  mirrorlist?: string;
  /** Whether the repository is used (default `true`). */
  enabled: boolean;
  /** Whether package signatures must be checked (default `false`). */
  gpgcheck: boolean;
  /** Whether repomd.xml's signature must be checked (default `false`). */
  repoGpgcheck: boolean;
  /** Key URLs as written. */
  gpgkey: string[];
  /** Lower wins when the same package is in several repositories (default 99). */
  priority: number;
  /** Tie-breaker between equal priorities, lower wins (default 1000). */
  cost: number;
  /** Package name globs never taken from this repository. */
  exclude: string[];
  /** When non-empty, only packages matching these globs are taken from this repository. */
  includepkgs: string[];
  /** When `true`, a repository that cannot be loaded is skipped instead of failing (default `false`). */
  skipIfUnavailable: boolean;
  /**
   * `metadata_expire` in seconds: how long the cached metadata is used without asking the server
   * again; `-1` never expires, `0` always asks. Unset means the loader's default (dnf's 48 hours).
   */
  metadataExpire?: number;
  /** Other keys of the section (e.g. `module_hotfixes`), kept so serialisation round-trips; not interpreted. */
  extra: Record<string, string>;
}

/** Default repository priority (dnf's). */
export const DEFAULT_PRIORITY = 99;
/** Default repository cost (dnf's). */
export const DEFAULT_COST = 1000;

const ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/**
 * True when `id` is a valid repository id (letters, digits, `_ . : -`).
 *
 * @param id - candidate id
 */
export function isValidRepoId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/**
 * A repository definition with every option at its default.
 *
 * @param id - the repository id
 * @param fields - options to set
 */
export function makeRepoConfig(id: string, fields: Partial<Omit<RepoConfig, "id">> = {}): RepoConfig {
  return {
    id,
    name: id,
    baseurl: [],
    enabled: true,
    gpgcheck: false,
    repoGpgcheck: false,
    gpgkey: [],
    priority: DEFAULT_PRIORITY,
    cost: DEFAULT_COST,
    exclude: [],
    includepkgs: [],
    skipIfUnavailable: false,
    extra: {},
    ...fields,
  };
}

/**
 * Split a list-valued option (`baseurl`, `gpgkey`, `exclude`, `includepkgs`) on spaces, commas and newlines.
 *
 * @param value - the raw option value
 */
export function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter((item) => item !== "");
}

/**
 * Parse the text of a `.repo` file into repository definitions (a `[main]` section is skipped).
 *
 * @param text - file content
 * @param source - file name for error messages
 * @throws GroveError `REPO_CONFIG_INVALID` naming the file, line and option
 */
export function parseRepoFile(text: string, source: string): RepoConfig[] {
  const configs: RepoConfig[] = [];
  const seen = new Set<string>();
  for (const section of parseIni(text, source)) {
    if (section.name === "main") continue;
    if (!isValidRepoId(section.name)) {
      throw invalid(
        source,
        section.line,
        `invalid repository id "${section.name}" (allowed: letters, digits, _ . : -)`,
      );
    }
    if (seen.has(section.name)) throw invalid(source, section.line, `repository "${section.name}" is defined twice`);
    seen.add(section.name);
    configs.push(sectionToConfig(section, source));
  }
  return configs;
}

function sectionToConfig(section: IniSection, source: string): RepoConfig {
  const config = makeRepoConfig(section.name);
  const where = (key: string): string => `${source}:${section.line}: [${section.name}] ${key}`;
  for (const [key, value] of section.entries) {
    switch (key) {
      case "name":
        config.name = value;
        break;
      case "baseurl":
        config.baseurl = splitList(value);
        break;
      case "metalink":
        if (value === "") delete config.metalink;
        else config.metalink = value;
        break;
      case "mirrorlist":
        if (value === "") delete config.mirrorlist;
        else config.mirrorlist = value;
        break;
      case "enabled":
        config.enabled = parseBool(value, where(key));
        break;
      case "gpgcheck":
        config.gpgcheck = parseBool(value, where(key));
        break;
      case "repo_gpgcheck":
        config.repoGpgcheck = parseBool(value, where(key));
        break;
      case "gpgkey":
        config.gpgkey = splitList(value);
        break;
      case "priority":
        config.priority = parseInteger(value, where(key), -Infinity);
        break;
      case "cost":
        config.cost = parseInteger(value, where(key), 0);
        break;
      case "exclude":
      case "excludepkgs":
        config.exclude = splitList(value);
        break;
      case "includepkgs":
        config.includepkgs = splitList(value);
        break;
      case "skip_if_unavailable":
        config.skipIfUnavailable = parseBool(value, where(key));
        break;
      case "metadata_expire":
        config.metadataExpire = parseMetadataExpire(value, where(key));
        break;
      default:
        config.extra[key] = value;
    }
  }
  return config;
}

/**
 * Serialise repository definitions as `.repo` file text; `parseRepoFile` of the result gives them back.
 * Options at their default are omitted, except `name`, `enabled` and `gpgcheck`.
 *
 * @param configs - the repositories, written in this order
 */
export function serializeRepoFile(configs: readonly RepoConfig[]): string {
  return serializeIni(configs.map(configToSection));
}

function configToSection(config: RepoConfig): IniSection {
  const entries: Array<[string, string]> = [["name", config.name]];
  if (config.baseurl.length > 0) entries.push(["baseurl", config.baseurl.join("\n")]);
  if (config.metalink !== undefined) entries.push(["metalink", config.metalink]);
  if (config.mirrorlist !== undefined) entries.push(["mirrorlist", config.mirrorlist]);
  entries.push(["enabled", config.enabled ? "1" : "0"]);
  entries.push(["gpgcheck", config.gpgcheck ? "1" : "0"]);
  if (config.repoGpgcheck) entries.push(["repo_gpgcheck", "1"]);
  if (config.gpgkey.length > 0) entries.push(["gpgkey", config.gpgkey.join("\n")]);
  if (config.priority !== DEFAULT_PRIORITY) entries.push(["priority", String(config.priority)]);
  if (config.cost !== DEFAULT_COST) entries.push(["cost", String(config.cost)]);
  if (config.exclude.length > 0) entries.push(["exclude", config.exclude.join(" ")]);
  if (config.includepkgs.length > 0) entries.push(["includepkgs", config.includepkgs.join(" ")]);
  if (config.skipIfUnavailable) entries.push(["skip_if_unavailable", "1"]);
  if (config.metadataExpire !== undefined) {
    entries.push(["metadata_expire", formatMetadataExpire(config.metadataExpire)]);
  }
  for (const [key, value] of Object.entries(config.extra)) entries.push([key, value]);
  return { name: config.id, entries, line: 0 };
}

const TRUE_WORDS = new Set(["1", "yes", "true", "on"]);
const FALSE_WORDS = new Set(["0", "no", "false", "off"]);

function parseBool(value: string, where: string): boolean {
  const word = value.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new GroveError(
    RepoErrorCode.configInvalid,
    `${where}: "${value}" is not a boolean (use 1/0, yes/no, true/false)`,
    {
      subject: where,
    },
  );
}

function parseInteger(value: string, where: string, min: number): number {
  if (!/^[-+]?\d+$/.test(value) || Number(value) < min) {
    throw new GroveError(RepoErrorCode.configInvalid, `${where}: "${value}" is not a valid integer`, {
      subject: where,
    });
  }
  return Number(value);
}

function invalid(source: string, line: number, what: string): GroveError {
  return new GroveError(RepoErrorCode.configInvalid, `${source}:${line}: ${what}`, { subject: source });
}
