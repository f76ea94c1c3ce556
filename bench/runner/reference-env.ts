/**
 * The environment of the reference tools (dnf, rpm, ostree): a throw-away `HOME` whose `.rpmmacros` sets
 * `%_dbpath /usr/lib/sysimage/rpm` (Debian's rpm defaults to `~/.rpmdb`, so dnf and `rpm --root` would
 * otherwise disagree), the C locale, and no proxy for the loopback server.
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Creates `<workDir>/rpmhome/.rpmmacros` and returns the environment to run dnf and rpm with.
 * @param workDir - the benchmark's scratch directory
 */
export function referenceEnv(workDir: string): NodeJS.ProcessEnv {
  const home = path.join(workDir, "rpmhome");
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, ".rpmmacros"), "%_dbpath /usr/lib/sysimage/rpm\n");
  return withoutProxy({ ...process.env, HOME: home, LC_ALL: "C", LANG: "C" });
}

/** `env` without proxy settings, so requests to 127.0.0.1 go straight to the benchmark's server. */
export function withoutProxy(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!/_proxy$/i.test(key)) out[key] = value;
  out.no_proxy = "127.0.0.1,localhost";
  return out;
}
