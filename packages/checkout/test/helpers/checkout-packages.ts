/** Synthetic packages for the generation tests, as the child's `importEntries` op takes them. */

/** One entry of a synthetic package. */
export interface SyntheticEntry {
  path: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "fifo";
  mode: number;
  content?: string;
  linkTo?: string;
  flags?: number;
  user?: string;
  group?: string;
}

/** A synthetic package. */
export interface SyntheticPackage {
  label: string;
  entries: SyntheticEntry[];
}

export const dir = (path: string, mode = 0o755): SyntheticEntry => ({ path, type: "dir", mode });
export const file = (path: string, content: string, mode = 0o644, flags?: number): SyntheticEntry => ({
  path,
  type: "file",
  mode,
  content,
  ...(flags === undefined ? {} : { flags }),
});
export const symlink = (path: string, linkTo: string): SyntheticEntry => ({
  path,
  type: "symlink",
  mode: 0o777,
  linkTo,
});

/** rpm file flags. */
export const CONFIG = 1;
export const NOREPLACE = 17;
export const GHOST = 64;

/** A package with read-only directories (/proc 0555, /usr/share/ro 0555) and an unreadable /etc/shadow. */
export function basePackage(version: string): SyntheticPackage {
  return {
    label: `base-${version}`,
    entries: [
      dir("/usr"),
      dir("/usr/bin"),
      dir("/usr/share"),
      dir("/usr/share/ro", 0o555),
      file("/usr/share/ro/data", `data ${version}\n`, 0o444),
      dir("/proc", 0o555),
      dir("/root", 0o700),
      dir("/tmp", 0o1777),
      file("/usr/bin/app", `#!/bin/sh\necho ${version}\n`, 0o755),
      dir("/etc"),
      file("/etc/app.conf", `version=${version}\n`, 0o644, NOREPLACE),
      file("/etc/shadow", "root:*:19000::::::\n", 0o000, NOREPLACE),
      dir("/var"),
      dir("/var/lib"),
      dir("/var/lib/app", 0o750),
      file("/var/lib/app/db", `db ${version}\n`, 0o600),
    ],
  };
}

/** A package with `count` files in `count / 20` directories (for timing-sensitive tests). */
export function bulkPackage(version: string, count: number): SyntheticPackage {
  const entries: SyntheticEntry[] = [dir("/usr"), dir("/usr/share"), dir("/usr/share/bulk")];
  for (let d = 0; d < Math.ceil(count / 20); d++) entries.push(dir(`/usr/share/bulk/d${d}`));
  for (let i = 0; i < count; i++) {
    entries.push(file(`/usr/share/bulk/d${Math.floor(i / 20)}/f${i}`, `${version} ${i}\n`));
  }
  entries.push(file("/usr/share/bulk/VERSION", `${version}\n`));
  return { label: `bulk-${version}`, entries };
}
