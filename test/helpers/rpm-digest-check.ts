/**
 * `rpm -K --nosignature`: rpm's own verdict on a package file's digests and structure (signatures are not checked,
 * so a missing key or an algorithm rpm 4.18 does not know never counts as broken).
 * @packageDocumentation
 */
import { spawnSync } from "node:child_process";

/** What `rpm -K --nosignature FILE` said. */
export interface RpmDigestVerdict {
  /** True when rpm exited 0 (all digests OK and the file parsed). */
  ok: boolean;
  /** rpm's exit status. */
  status: number | null;
  /** stdout and stderr, joined. */
  output: string;
}

/** Run `rpm -K --nosignature` on one file. */
export function rpmCheckDigests(file: string): RpmDigestVerdict {
  const run = spawnSync("rpm", ["-K", "--nosignature", file], {
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
    encoding: "utf8",
  });
  if (run.error) throw run.error;
  return { ok: run.status === 0, status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/**
 * Run `rpm -K --nosignature` on many files in one process and return the files rpm did not report as
 * `digests OK` (an empty list means rpm accepted all of them).
 */
export function rpmFilesFailingDigests(files: readonly string[]): string[] {
  if (files.length === 0) return [];
  const run = spawnSync("rpm", ["-K", "--nosignature", ...files], {
    env: { ...process.env, LC_ALL: "C", LANG: "C" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  const ok = new Set<string>();
  for (const line of run.stdout.split("\n")) {
    const m = /^(.*): digests OK$/.exec(line);
    if (m?.[1] !== undefined) ok.add(m[1]);
  }
  return files.filter((f) => !ok.has(f));
}
