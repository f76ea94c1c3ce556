/**
 * Reading `rpm -Va` output for the root oracle test, and judging each line against the flags the test allows.
 *
 * A line is `SM5DLUGTP  c /path` (nine flag columns, `.` for a check that passed, `?` for one that could not be
 * done, then the file attribute: c config, d doc, g ghost, l license, r readme) or `missing  c /path`.
 * @packageDocumentation
 */

/** One line of `rpm -V` output about a file. */
export interface VerifyLine {
  /** The nine flag columns, or `missing`. */
  flags: string;
  /** The file attribute letter, `""` when there is none. */
  attribute: string;
  /** The path inside the root. */
  path: string;
}

/** `rpm -Va` output split into file lines and anything else (dependency problems, errors). */
export interface VerifyOutput {
  /** Lines about files. */
  files: VerifyLine[];
  /** Lines that are not about files: always a failure. */
  other: string[];
}

const LINE = /^(missing {2}|[.?SM5DLUGTP]{9})\s+(?:([cdglr]) )?\s*(\/.*)$/;

/**
 * Splits `rpm -Va` output into lines.
 * @param text - standard output and error of `rpm -Va`
 */
export function parseVerifyOutput(text: string): VerifyOutput {
  const out: VerifyOutput = { files: [], other: [] };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const match = LINE.exec(line);
    if (match === null) out.other.push(line);
    else out.files.push({ flags: (match[1] ?? "").trim(), attribute: match[2] ?? "", path: match[3] ?? "" });
  }
  return out;
}

/** The flags a grove root may show, with the reason each is expected. */
export const ALLOWED_VERIFY_FLAGS: Readonly<Record<string, string>> = {
  T:
    "mtime: files are hard links to content-addressed store objects shared by every package and generation " +
    "holding the same bytes, so a file's mtime is the store's, not the package's FILEMTIMES",
  U:
    "owner: an unprivileged build cannot chown; files belong to the building user and the packages' owners are " +
    "kept in the rpmdb (run as that user, rpm flags only files packaged for another owner; as root, every file)",
  G: "group: as for the owner",
  M:
    "mode, only when the sole difference is setuid/setgid, which an unprivileged build keeps as metadata and does " +
    "not apply; any other mode difference fails",
};

/** Flags that must never appear: size, digest, link target, device numbers, capabilities. */
export const FORBIDDEN_VERIFY_FLAGS = ["S", "5", "L", "D", "P"] as const;

/**
 * Problems in a verify line: forbidden flags, flags not in {@link ALLOWED_VERIFY_FLAGS}, a `missing` non-ghost
 * file, or an M whose on-disk mode is not the packaged mode without setuid/setgid.
 * @param line - the line
 * @param modeOf - the packaged mode (rpm FILEMODES) and the on-disk mode of a path
 */
export function verifyLineProblems(
  line: VerifyLine,
  modeOf: (path: string) => { packaged: number; onDisk: number } | undefined,
): string[] {
  if (line.flags === "missing") return line.attribute === "g" ? [] : [`${line.path} is missing`];
  const problems: string[] = [];
  for (const flag of line.flags.replace(/\./g, "")) {
    if (flag === "M") {
      const modes = modeOf(line.path);
      if (modes === undefined) problems.push(`${line.path}: M, and its packaged mode is unknown`);
      else if ((modes.packaged & 0o7777 & ~0o6000) !== (modes.onDisk & 0o7777) || (modes.packaged & 0o6000) === 0)
        problems.push(
          `${line.path}: mode ${(modes.onDisk & 0o7777).toString(8)} on disk, ${(modes.packaged & 0o7777).toString(8)} packaged`,
        );
    } else if (!(flag in ALLOWED_VERIFY_FLAGS)) {
      problems.push(`${line.path}: flag ${flag} (${line.flags})`);
    }
  }
  return problems;
}
