/**
 * The base directory hierarchy. Debian's base-files ships these directories; in the corpus only base-files owns
 * them (as Fedora's `filesystem` package does) and every other package leaves them out of its file list, so
 * `/usr/bin` is not owned by a hundred packages.
 * @packageDocumentation
 */

/** The package that owns the base hierarchy. */
export const FILESYSTEM_PACKAGE = "base-files";

/** The directories base-files 12 (bookworm) ships, as absolute paths. */
export const FILESYSTEM_DIRECTORIES: ReadonlySet<string> = new Set([
  "/",
  "/bin",
  "/boot",
  "/dev",
  "/etc",
  "/etc/default",
  "/etc/dpkg",
  "/etc/dpkg/origins",
  "/etc/profile.d",
  "/etc/skel",
  "/etc/update-motd.d",
  "/home",
  "/lib",
  "/proc",
  "/root",
  "/run",
  "/sbin",
  "/sys",
  "/tmp",
  "/usr",
  "/usr/bin",
  "/usr/games",
  "/usr/include",
  "/usr/lib",
  "/usr/sbin",
  "/usr/share",
  "/usr/share/common-licenses",
  "/usr/share/dict",
  "/usr/share/doc",
  "/usr/share/info",
  "/usr/share/lintian",
  "/usr/share/lintian/overrides",
  "/usr/share/man",
  "/usr/share/misc",
  "/usr/src",
  "/var",
  "/var/backups",
  "/var/cache",
  "/var/lib",
  "/var/lib/dpkg",
  "/var/lib/misc",
  "/var/local",
  "/var/lock",
  "/var/log",
  "/var/run",
  "/var/spool",
  "/var/tmp",
]);

/** Whether package `name` lists directory `dir` in its files (only base-files lists the base hierarchy). */
export function ownsDirectory(name: string, dir: string): boolean {
  return name === FILESYSTEM_PACKAGE || !FILESYSTEM_DIRECTORIES.has(dir);
}
