import { FileFlag, type RpmFile } from "../types.js";

/** File type bits of st_mode. */
export const S_IFMT = 0o170000;
/** st_mode file types. */
export const FileType = {
  regular: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
  socket: 0o140000,
} as const;

/** True for %ghost files, which rpm never puts in the payload. */
export function isGhost(file: RpmFile): boolean {
  return (file.flags & FileFlag.ghost) !== 0;
}

/**
 * The header's files as the payload reader needs them: lookup by path, and the hard-link sets,
 * built as rpm builds them (regular, non-%ghost files with an inode above 0 sharing device and inode;
 * members in header order, the last one carrying the data in rpm's archives).
 */
export class PayloadFileTable {
  private readonly byPath = new Map<string, number>();
  private readonly linkSets = new Map<number, readonly number[]>();

  /** @param files - the header's files, in header order */
  constructor(readonly files: readonly RpmFile[]) {
    const groups = new Map<string, number[]>();
    files.forEach((file, index) => {
      if (!this.byPath.has(file.path)) this.byPath.set(file.path, index);
      if ((file.mode & S_IFMT) !== FileType.regular || isGhost(file) || file.inode <= 0) return;
      const key = `${file.device}:${file.inode}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [index]);
      else group.push(index);
    });
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      for (const index of group) this.linkSets.set(index, group);
    }
  }

  /** The index of the first file whose path is one of `candidates`, tried in order. */
  find(candidates: readonly string[]): number | undefined {
    for (const candidate of candidates) {
      const index = this.byPath.get(candidate);
      if (index !== undefined) return index;
    }
    return undefined;
  }

  /** The hard-link set the file belongs to (file indexes in header order), or `undefined` when it has none. */
  linkSet(index: number): readonly number[] | undefined {
    return this.linkSets.get(index);
  }

  /** Number of hard-link sets. */
  get linkSetCount(): number {
    return new Set(this.linkSets.values()).size;
  }
}
