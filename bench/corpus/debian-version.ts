/**
 * Debian versions (`[epoch:]upstream[-revision]`) as RPM epoch, version and release.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core";

/** An RPM epoch-version-release. */
export interface RpmEvr {
  /** The epoch, or `undefined` when the Debian version has none (RPM then treats it as 0). */
  epoch: number | undefined;
  /** The version: Debian's upstream version, `-` written as `^` and other characters RPM forbids as `.`. */
  version: string;
  /** The release: Debian's revision, or `0` for a native package (dpkg compares a missing revision as `0`). */
  release: string;
}

/** Characters RPM accepts in Version and Release besides letters and digits (rpmbuild's ALLOWED_CHARS_VERREL). */
const RPM_VERSION_CHAR = /[A-Za-z0-9._+~^]/;

const DEBIAN_VERSION = /^(?:(\d+):)?([0-9A-Za-z][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/;

/**
 * Replace every character RPM does not allow in a version or release.
 *
 * A `-` inside an upstream version becomes rpm's caret, which sorts after the end of the version and before any
 * further segment, as dpkg sorts `-`: `12-20211113` < `12.2.0` and `1.0-1` > `1.0` in both. (With `.` instead,
 * gcc's `Breaks: libtsan2 (<< 12-20211113-2~)` would hit libtsan2 12.2.0.) Anything else becomes `.`.
 */
export function rpmSafeVersionText(text: string): string {
  let out = "";
  for (const ch of text) out += ch === "-" ? "^" : RPM_VERSION_CHAR.test(ch) ? ch : ".";
  return out;
}

/**
 * Convert a Debian version to an RPM epoch-version-release.
 *
 * The revision is what follows the last `-`; a colon in the upstream version needs an epoch (dpkg's rule). A `-`
 * left inside the upstream version becomes `^` and a `:` becomes `.` (see {@link rpmSafeVersionText}). A missing
 * revision becomes release `0`, which is how dpkg compares it, so a relation such as `foo (<< 1.2)` keeps dpkg's
 * meaning once it carries a release.
 *
 * @throws GroveError `CORPUS_BAD_VERSION` when `text` is not a Debian version.
 */
export function debianVersionToRpm(text: string): RpmEvr {
  const match = DEBIAN_VERSION.exec(text.trim());
  if (match === null || (match[1] === undefined && match[2]?.includes(":"))) {
    throw new GroveError("CORPUS_BAD_VERSION", `"${text}" is not a Debian version`, { subject: text });
  }
  const [, epoch, upstream = "", revision] = match;
  return {
    epoch: epoch === undefined ? undefined : Number(epoch),
    version: rpmSafeVersionText(upstream),
    release: revision === undefined ? "0" : rpmSafeVersionText(revision),
  };
}

/** Render an EVR the way RPM writes it in dependencies: `[epoch:]version-release`. */
export function formatEvr(evr: RpmEvr): string {
  return `${evr.epoch === undefined ? "" : `${evr.epoch}:`}${evr.version}-${evr.release}`;
}

/** Render an EVR as the file-name part `version-release` (no epoch). */
export function formatVersionRelease(evr: RpmEvr): string {
  return `${evr.version}-${evr.release}`;
}
