import { GroveError } from "@grove/core/store";
import { RepoErrorCode } from "../errors.js";

/** dnf's default `metadata_expire`: 48 hours, in seconds. */
export const DEFAULT_METADATA_EXPIRE = 172_800;

/** The `metadata_expire` value meaning "never expires" (dnf's `-1` / `never`). */
export const METADATA_NEVER_EXPIRES = -1;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parse a dnf "time in seconds" value as `metadata_expire` takes it: a number of seconds, or a number with
 * a unit `s`, `m`, `h` or `d` (`90m`, `1.5h`, `7d`); `-1` or `never` for "never expires"; `0` for
 * "always check".
 *
 * @param value - the raw option value
 * @param where - `file:line: [id] key`, for the error message
 * @returns seconds (rounded to a whole number), or {@link METADATA_NEVER_EXPIRES}
 * @throws GroveError `REPO_CONFIG_INVALID` naming `where` for anything else
 */
export function parseMetadataExpire(value: string, where: string): number {
  const text = value.trim().toLowerCase();
  if (text === "never" || text === "-1") return METADATA_NEVER_EXPIRES;
  const match = /^(\d+(?:\.\d*)?|\.\d+)\s*([smhd]?)$/.exec(text);
  const seconds = match === null ? Number.NaN : Number(match[1]) * (UNIT_SECONDS[match[2] || "s"] as number);
  if (!Number.isFinite(seconds) || seconds > Number.MAX_SAFE_INTEGER) {
    throw new GroveError(
      RepoErrorCode.configInvalid,
      `${where}: "${value}" is not a valid time (use seconds, or a number with s/m/h/d such as 6h or 7d; ` +
        "-1 or never for never, 0 for always)",
      { subject: where },
    );
  }
  return Math.round(seconds);
}

/**
 * The `.repo` text for a `metadata_expire` in seconds (`never` for {@link METADATA_NEVER_EXPIRES}).
 *
 * @param seconds - the value as {@link parseMetadataExpire} returns it
 */
export function formatMetadataExpire(seconds: number): string {
  return seconds < 0 ? "never" : String(seconds);
}

/**
 * How far in the future a check time may lie and still count (file times and `Date.now()` are
 * rounded differently); a check time further ahead means the clock was set back, and expires.
 */
const FUTURE_TOLERANCE_MS = 60_000;

/**
 * True when metadata last checked `ageMs` milliseconds ago must be checked again: always for `0`,
 * never for {@link METADATA_NEVER_EXPIRES}, else once the age reaches the expiry. A check time more
 * than a minute in the future (the clock was set back) counts as expired.
 *
 * @param ageMs - milliseconds since the last successful check
 * @param expireSeconds - the repository's `metadata_expire`
 */
export function isMetadataExpired(ageMs: number, expireSeconds: number): boolean {
  if (expireSeconds < 0) return false;
  if (expireSeconds === 0) return true;
  return ageMs < -FUTURE_TOLERANCE_MS || ageMs >= expireSeconds * 1000;
}
