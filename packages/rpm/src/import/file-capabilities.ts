import { GroveError } from "@grove/core";

/** Capability names by number, as libcap spells them (Linux 5.9+: 0..40). */
const CAPABILITY_NAMES = [
  "chown",
  "dac_override",
  "dac_read_search",
  "fowner",
  "fsetid",
  "kill",
  "setgid",
  "setuid",
  "setpcap",
  "linux_immutable",
  "net_bind_service",
  "net_broadcast",
  "net_admin",
  "net_raw",
  "ipc_lock",
  "ipc_owner",
  "sys_module",
  "sys_rawio",
  "sys_chroot",
  "sys_ptrace",
  "sys_pacct",
  "sys_admin",
  "sys_boot",
  "sys_nice",
  "sys_resource",
  "sys_time",
  "sys_tty_config",
  "mknod",
  "lease",
  "audit_write",
  "audit_control",
  "setfcap",
  "mac_override",
  "mac_admin",
  "syslog",
  "wake_alarm",
  "block_suspend",
  "audit_read",
  "perfmon",
  "bpf",
  "checkpoint_restore",
] as const;

const BY_NAME = new Map<string, number>(CAPABILITY_NAMES.map((name, i) => [`cap_${name}`, i]));
/** The highest capability number the kernel's file capability format (v2/v3) can carry. */
const MAX_CAP = 63;
/** VFS_CAP_REVISION_2 in `magic_etc`. */
const VFS_CAP_REVISION_2 = 0x0200_0000;
/** VFS_CAP_FLAGS_EFFECTIVE in `magic_etc`. */
const VFS_CAP_FLAGS_EFFECTIVE = 0x0000_0001;

/** The three capability sets of a file, as bit masks over capability numbers 0..63. */
export interface FileCapabilitySets {
  /** Permitted set. */
  permitted: bigint;
  /** Inheritable set. */
  inheritable: bigint;
  /** Effective set (for files: all-or-nothing, stored as one flag). */
  effective: bigint;
}

/**
 * Parses capability text as libcap's `cap_from_text` reads it and rpm's FILECAPS tag holds it, e.g.
 * `cap_net_raw=ep`, `cap_sys_ptrace,cap_sys_admin=ep`, `= cap_chown+i`, `all=p`, `=`. Clauses are
 * separated by spaces; each is an optional comma-separated capability list (names, numbers or
 * `all`; empty means all with `=`) followed by operator/flag groups: `=` clears the listed
 * capabilities in every set and then raises them in the flagged sets, `+` raises, `-` lowers.
 * Throws `RPM_BAD_CAPABILITY` naming `subject` for text it cannot read, and (like libcap's
 * `cap_set_file`, so rpm could not install it) for an effective set that is neither empty nor
 * the union of permitted and inheritable: file capabilities store "effective" as one flag.
 * @param text - the capability text
 * @param subject - the file it belongs to, for messages
 */
export function parseCapabilityText(text: string, subject: string): FileCapabilitySets {
  const sets: FileCapabilitySets = { permitted: 0n, inheritable: 0n, effective: 0n };
  const bad = (what: string) =>
    new GroveError("RPM_BAD_CAPABILITY", `${subject}: cannot read file capabilities ${JSON.stringify(text)}: ${what}`, {
      subject,
    });
  for (const clause of text.trim().split(/\s+/)) {
    if (clause === "") continue;
    const opAt = clause.search(/[=+-]/);
    if (opAt < 0) throw bad(`clause ${JSON.stringify(clause)} has no =, + or -`);
    const listText = clause.slice(0, opAt);
    let mask = 0n;
    if (listText === "" || listText === "all") {
      if (listText === "" && clause[opAt] !== "=") throw bad(`clause ${JSON.stringify(clause)} names no capability`);
      for (let i = 0; i < CAPABILITY_NAMES.length; i++) mask |= 1n << BigInt(i);
    } else {
      for (const name of listText.toLowerCase().split(",")) {
        const number = /^\d+$/.test(name) ? Number(name) : BY_NAME.get(name);
        if (number === undefined || number > MAX_CAP) throw bad(`unknown capability ${JSON.stringify(name)}`);
        mask |= 1n << BigInt(number);
      }
    }
    const ops = clause.slice(opAt);
    const groups = ops.match(/[=+-][eip]*/g) ?? [];
    if (groups.join("") !== ops) throw bad(`clause ${JSON.stringify(clause)} has unknown flags`);
    for (const group of groups) {
      const op = group[0];
      const flags = group.slice(1);
      if (op === "=") {
        sets.permitted &= ~mask;
        sets.inheritable &= ~mask;
        sets.effective &= ~mask;
      }
      const raise = op !== "-";
      for (const flag of flags) {
        const key = flag === "e" ? "effective" : flag === "i" ? "inheritable" : "permitted";
        sets[key] = raise ? sets[key] | mask : sets[key] & ~mask;
      }
    }
  }
  if (sets.effective !== 0n && sets.effective !== (sets.permitted | sets.inheritable)) {
    throw bad(
      "the effective set must be empty or equal the permitted and inheritable sets together (as the kernel stores it)",
    );
  }
  return sets;
}

/**
 * Encodes capability sets as the `security.capability` xattr value the kernel reads
 * (`struct vfs_cap_data`, revision 2, little-endian): `magic_etc` (revision 2, plus the effective
 * flag when any effective bit is set), then permitted and inheritable of capabilities 0..31, then
 * of 32..63: 20 bytes. This is what `setcap` (libcap's `cap_set_file`) writes.
 * @param sets - the capability sets
 */
export function encodeVfsCapV2(sets: FileCapabilitySets): Uint8Array {
  const out = Buffer.alloc(20);
  out.writeUInt32LE(VFS_CAP_REVISION_2 | (sets.effective !== 0n ? VFS_CAP_FLAGS_EFFECTIVE : 0), 0);
  out.writeUInt32LE(Number(sets.permitted & 0xffff_ffffn), 4);
  out.writeUInt32LE(Number(sets.inheritable & 0xffff_ffffn), 8);
  out.writeUInt32LE(Number((sets.permitted >> 32n) & 0xffff_ffffn), 12);
  out.writeUInt32LE(Number((sets.inheritable >> 32n) & 0xffff_ffffn), 16);
  return out;
}

/**
 * The `security.capability` value (base64) for an rpm FILECAPS text, as rpm would set it on install
 * (`cap_from_text` then `cap_set_file`); `undefined` for an empty text (no capabilities).
 * @param text - FILECAPS text (`""` when the file has none)
 * @param subject - the file, for messages
 */
export function capabilityXattr(text: string, subject: string): string | undefined {
  if (text === "") return undefined;
  return Buffer.from(encodeVfsCapV2(parseCapabilityText(text, subject))).toString("base64");
}
