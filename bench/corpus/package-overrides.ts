/**
 * The Fedora-style touches the converter adds to a few Debian packages, so the corpus exercises what real RPM
 * repositories contain: users created by `%pre` scriptlets and owning files, `%post -p /sbin/ldconfig`, a
 * `%posttrans`, and `/etc/passwd` + `/etc/group` shipped as config files by the base package (as Fedora's `setup`
 * does). Debian's own maintainer scripts are never converted.
 * @packageDocumentation
 */

/** An RPM scriptlet section. */
export interface Scriptlet {
  /** Section name: `pre`, `post`, `postun` or `posttrans`. */
  section: "pre" | "post" | "postun" | "posttrans";
  /** `-p` program (e.g. `/sbin/ldconfig`) for a scriptlet that runs a program with no body. */
  program?: string;
  /** Shell body (run by `/bin/sh`), when there is no program. */
  body?: string;
}

/** A path whose owner or mode the package sets differently from the .deb (Debian does it in postinst). */
export interface OwnershipOverride {
  /** Owner name. */
  user: string;
  /** Group name. */
  group: string;
  /** Permission bits, when they change too. */
  mode?: number;
}

/** A config file the converter adds, copied from a file the package already ships. */
export interface AddedConfigFile {
  /** Path of the new file. */
  path: string;
  /** Path of the shipped file it copies. */
  copyFrom: string;
  /** Permission bits. */
  mode: number;
}

/** Everything the converter changes in one package. */
export interface PackageOverride {
  /** Scriptlets to add. */
  scriptlets: readonly Scriptlet[];
  /** Extra `Requires(pre)` the scriptlets need (tools they call). */
  requiresPre: readonly string[];
  /** Debian packages the corpus must contain for those requirements (added to the apt closure). */
  closureExtras: readonly string[];
  /** Owner/mode changes by path. */
  ownership: Readonly<Record<string, OwnershipOverride>>;
  /** Config files to add. */
  addedConfigFiles: readonly AddedConfigFile[];
}

/** A `%pre` that creates a system group and user the Fedora way (`getent || useradd -r`). */
function systemUserPre(user: string, home: string, shell: string, comment: string): Scriptlet {
  return {
    section: "pre",
    body: [
      `getent group ${user} >/dev/null || groupadd -r ${user}`,
      `getent passwd ${user} >/dev/null || \\`,
      `    useradd -r -g ${user} -d ${home} -s ${shell} \\`,
      `    -c "${comment}" ${user}`,
      "exit 0",
    ].join("\n"),
  };
}

const USER_TOOLS = ["passwd", "libc-bin"] as const;

const NONE: PackageOverride = {
  scriptlets: [],
  requiresPre: [],
  closureExtras: [],
  ownership: {},
  addedConfigFiles: [],
};

const OVERRIDES: Readonly<Record<string, Partial<PackageOverride>>> = {
  "base-passwd": {
    addedConfigFiles: [
      { path: "/etc/passwd", copyFrom: "/usr/share/base-passwd/passwd.master", mode: 0o644 },
      { path: "/etc/group", copyFrom: "/usr/share/base-passwd/group.master", mode: 0o644 },
    ],
  },
  "postgresql-common": {
    scriptlets: [systemUserPre("postgres", "/var/lib/postgresql", "/bin/bash", "PostgreSQL administrator")],
    requiresPre: ["/usr/sbin/useradd", "/usr/bin/getent", "/bin/bash"],
    closureExtras: USER_TOOLS,
    ownership: {
      "/etc/postgresql": { user: "postgres", group: "postgres" },
      "/var/lib/postgresql": { user: "postgres", group: "postgres" },
      "/var/log/postgresql": { user: "root", group: "postgres", mode: 0o1775 },
    },
  },
  apache2: {
    scriptlets: [systemUserPre("www-data", "/var/www", "/usr/sbin/nologin", "Apache")],
    requiresPre: ["/usr/sbin/useradd", "/usr/bin/getent"],
    closureExtras: USER_TOOLS,
  },
  libc6: {
    scriptlets: [{ section: "post", program: "/sbin/ldconfig" }],
    closureExtras: ["libc-bin"],
  },
  libssl3: {
    scriptlets: [
      { section: "post", program: "/sbin/ldconfig" },
      { section: "postun", program: "/sbin/ldconfig" },
    ],
    closureExtras: ["libc-bin"],
  },
  bash: {
    scriptlets: [
      {
        section: "posttrans",
        body: [
          "# Register the shell in /etc/shells (shell builtins only: nothing else may be installed yet).",
          "[ -e /etc/shells ] || : > /etc/shells",
          "found=",
          'while read -r line; do [ "$line" = /bin/bash ] && found=1; done < /etc/shells',
          '[ -n "$found" ] || echo /bin/bash >> /etc/shells',
          "exit 0",
        ].join("\n"),
      },
    ],
  },
};

/** The changes the converter makes to package `name` (no changes for most packages). */
export function packageOverride(name: string): PackageOverride {
  const override = OVERRIDES[name];
  return override === undefined ? NONE : { ...NONE, ...override };
}
