/**
 * Public data types of `@grove/rpm`: what a package is once read.
 * @packageDocumentation
 */

/** Digest algorithms RPM uses, by their PGP hash algorithm number as stored in FILEDIGESTALGO. */
export type DigestAlgorithm = "md5" | "sha1" | "sha256" | "sha384" | "sha512" | "sha224";

/** The dependency kinds a package header carries. */
export type DependencyKind =
  | "requires"
  | "provides"
  | "conflicts"
  | "obsoletes"
  | "recommends"
  | "suggests"
  | "supplements"
  | "enhances";

/** One dependency entry (a Requires, Provides, ... line). */
export interface Dependency {
  /** Capability name, e.g. `libc.so.6(GLIBC_2.34)(64bit)`, `/bin/sh` or a rich dep `(a or b)`. */
  name: string;
  /** rpm's RPMSENSE_* flag bits (comparison in bits 1/2/3, plus pre/post/... context bits). */
  flags: number;
  /** The version as written in the header (`[epoch:]version[-release]`), empty when unversioned. */
  evr: string;
}

/** File flags from the FILEFLAGS tag (RPMFILE_*). */
export const FileFlag = {
  config: 1 << 0,
  doc: 1 << 1,
  icon: 1 << 2,
  missingok: 1 << 3,
  noreplace: 1 << 4,
  specfile: 1 << 5,
  ghost: 1 << 6,
  license: 1 << 7,
  readme: 1 << 8,
  pubkey: 1 << 11,
  artifact: 1 << 12,
} as const;

/** One file of the package, as the header describes it. */
export interface RpmFile {
  /** Absolute path as installed, e.g. `/usr/bin/bash`. */
  path: string;
  /** Full st_mode (file type bits and permission bits incl. setuid/setgid/sticky). */
  mode: number;
  /** Size in bytes (from FILESIZES or LONGFILESIZES). */
  size: number;
  /** Owner user name. */
  user: string;
  /** Owner group name. */
  group: string;
  /** Hex digest of the content for regular files (algorithm: {@link RpmPackage.fileDigestAlgorithm}); `""` otherwise. */
  digest: string;
  /** Symlink target; `""` for non-symlinks. */
  linkTo: string;
  /** RPMFILE_* flag bits; see {@link FileFlag}. */
  flags: number;
  /** Inode number within the package; files sharing inode and device form a hard-link set. */
  inode: number;
  /** Device number within the package. */
  device: number;
  /** Device number of a character/block device node (FILERDEVS). */
  rdev: number;
  /** Modification time (seconds since the epoch). */
  mtime: number;
  /** Language tag (FILELANGS), `""` when none. */
  lang: string;
  /** File capabilities in text form as `rpm --filecaps` prints them (e.g. `cap_net_raw=ep`), `""` when none. */
  capability: string;
  /** RPMVERIFY_* bits telling `rpm -V` what to check. */
  verifyFlags: number;
}

/** When a scriptlet runs. */
export type ScriptletKind =
  | "pretrans"
  | "pre"
  | "post"
  | "preun"
  | "postun"
  | "posttrans"
  | "preuntrans"
  | "postuntrans"
  | "verify";

/** A package install/erase scriptlet. */
export interface Scriptlet {
  /** When it runs. */
  kind: ScriptletKind;
  /** Interpreter and its arguments (e.g. `["/bin/sh"]`, `["<lua>"]`, `["/sbin/ldconfig"]`). */
  interpreter: string[];
  /** Script body; `""` for `-p` scriptlets without a body. */
  body: string;
  /** RPMSCRIPT_FLAG_* bits (expand, qformat, critical). */
  flags: number;
}

/** The kind of an (old-style package) trigger or a file trigger. */
export type TriggerKind = "triggerprein" | "triggerin" | "triggerun" | "triggerpostun";

/** One condition of a trigger: the package (or path prefix for file triggers) it fires on. */
export interface TriggerCondition {
  /** Package name, or path prefix for file triggers. */
  name: string;
  /** RPMSENSE_* flags, incl. the trigger kind bits. */
  flags: number;
  /** Version constraint (empty when none). */
  evr: string;
}

/** A package trigger (`%triggerin -- foo < 2`). */
export interface Trigger {
  /** When it fires. */
  kind: TriggerKind;
  /** Interpreter and its arguments. */
  interpreter: string[];
  /** Script body. */
  body: string;
  /** RPMSCRIPT_FLAG_* bits. */
  flags: number;
  /** The packages it fires on. */
  conditions: TriggerCondition[];
}

/** A file trigger (`%filetriggerin`/`%transfiletriggerin` ...). */
export interface FileTrigger extends Trigger {
  /** `true` for a transaction file trigger (`%transfiletrigger*`). */
  transaction: boolean;
  /** Priority (default 1000000). */
  priority: number;
}

/** The lead: the 96-byte legacy preamble of every RPM file. */
export interface RpmLead {
  /** Major format version: 3 or 4 (v4/v6 packages both carry 3; rpm v6 writes 4). */
  major: number;
  /** Minor format version. */
  minor: number;
  /** 0 = binary, 1 = source. */
  type: number;
  /** Legacy arch number. */
  archnum: number;
  /** NUL-terminated name-version-release from the lead. */
  name: string;
  /** Legacy OS number. */
  osnum: number;
  /** Signature type (5 = header-style signature). */
  signatureType: number;
}

/** Everything grove reads from a package's headers, typed. */
export interface RpmPackage {
  /** The file (or stream label) the package was read from, for messages. */
  source: string;
  /** Package name. */
  name: string;
  /** Epoch; `undefined` when the header has none (rpm treats that as 0 when comparing). */
  epoch: number | undefined;
  /** Version. */
  version: string;
  /** Release. */
  release: string;
  /** Architecture (`x86_64`, `noarch`, ... ; `src`/`nosrc` are reported by {@link RpmPackage.isSource}). */
  arch: string;
  /** True for a source package (`.src.rpm`/`.nosrc.rpm`). */
  isSource: boolean;
  /** rpm's `%{NEVRA}`: `name-[epoch:]version-release.arch` (epoch only when present). */
  nevra: string;
  /** One-line summary. */
  summary: string;
  /** Long description. */
  description: string;
  /** License tag. */
  license: string;
  /** Upstream URL (`""` when none). */
  url: string;
  /** The source RPM this was built from (`""` for source packages). */
  sourceRpm: string;
  /** Installed size in bytes (SIZE or LONGSIZE). */
  size: number;
  /** Build time (seconds since the epoch). */
  buildTime: number;
  /** Build host. */
  buildHost: string;
  /** Vendor (`""` when none). */
  vendor: string;
  /** Packager (`""` when none). */
  packager: string;
  /** Group (`""` when none). */
  group: string;
  /**
   * The payload compressor named in the header (`gzip`, `bzip2`, `xz`, `lzma`, `zstd`); `gzip` when the header names
   * none, as rpm reads it (rpm's gzip reader passes uncompressed cpio through). The compressor actually found in the
   * payload is reported by the payload reader.
   */
  payloadCompressor: string;
  /** The payload format named in the header (normally `cpio`). */
  payloadFormat: string;
  /** All dependencies by kind. */
  dependencies: Record<DependencyKind, Dependency[]>;
  /** All files, in header order. */
  files: RpmFile[];
  /** The algorithm of {@link RpmFile.digest} values. */
  fileDigestAlgorithm: DigestAlgorithm;
  /** Install/erase scriptlets. */
  scripts: Scriptlet[];
  /** Package triggers. */
  triggers: Trigger[];
  /** File triggers (both per-file and transaction ones). */
  fileTriggers: FileTrigger[];
}
