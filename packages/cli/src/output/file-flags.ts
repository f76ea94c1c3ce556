import { FileFlag } from "@grove/rpm";

const FLAG_ENTRIES = Object.entries(FileFlag) as [keyof typeof FileFlag, number][];

/**
 * The names of the RPMFILE_* bits set in `flags`, in bit order, e.g. `["config", "noreplace"]`.
 * Bits grove has no name for are listed as `bit<N>`.
 */
export function fileFlagNames(flags: number): string[] {
  const names: string[] = [];
  let known = 0;
  for (const [name, bit] of FLAG_ENTRIES) {
    known |= bit;
    if ((flags & bit) !== 0) names.push(name);
  }
  const unknown = flags & ~known;
  for (let bit = 0; bit < 32; bit++) {
    if ((unknown & (1 << bit)) !== 0) names.push(`bit${bit}`);
  }
  return names;
}
