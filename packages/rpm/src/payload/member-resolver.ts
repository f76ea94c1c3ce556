import { GroveError } from "@grove/core";
import type { RpmFile } from "../types.js";
import type { CpioNamedHeader, CpioStrippedHeader } from "./cpio/cpio-header.js";
import { FileType, type PayloadFileTable, S_IFMT } from "./file-table.js";
import { memberPathCandidates } from "./member-path.js";

/** A cpio member header (not the trailer). */
export type CpioMemberHeader = CpioNamedHeader | CpioStrippedHeader;

/**
 * The index of the header file a cpio member stands for: by name for "newc"/"crc" members, by the stored
 * index for rpm's stripped members.
 * @throws GroveError `RPM_PAYLOAD_UNKNOWN_ENTRY` when no header file matches, `RPM_PAYLOAD_BAD_PATH` for bad names
 */
export function resolveMember(
  header: CpioMemberHeader,
  table: PayloadFileTable,
  label: string,
  subject: string,
): number {
  if (header.format === "stripped") {
    if (header.fileIndex < table.files.length) return header.fileIndex;
    throw new GroveError(
      "RPM_PAYLOAD_UNKNOWN_ENTRY",
      `${label}: payload member at offset ${header.offset} names file index ${header.fileIndex}, but the header lists ${table.files.length} files`,
      { subject },
    );
  }
  const candidates = memberPathCandidates(header.name, label);
  const index = table.find(candidates);
  if (index !== undefined) return index;
  throw new GroveError(
    "RPM_PAYLOAD_UNKNOWN_ENTRY",
    `${label}: payload member ${JSON.stringify(candidates[0])} is not in the header's file list`,
    { subject, hint: "The package is corrupt or hostile; do not extract it." },
  );
}

/**
 * Bytes of data that follow a member in the archive. "newc"/"crc" members say it; stripped members carry no
 * size, so rpm's rules apply: a symlink's target, a regular file's data once per hard-link set (after its
 * last member), nothing for other types.
 */
export function memberDataSize(
  header: CpioMemberHeader,
  index: number,
  file: RpmFile,
  table: PayloadFileTable,
): number {
  if (header.format !== "stripped") return header.fileSize;
  const type = file.mode & S_IFMT;
  if (type === FileType.symlink) return file.size;
  if (type !== FileType.regular) return 0;
  const set = table.linkSet(index);
  return set === undefined || set[set.length - 1] === index ? file.size : 0;
}
