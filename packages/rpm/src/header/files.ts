import { GroveError } from "@grove/core/store";
import type { DigestAlgorithm, RpmFile } from "../types.js";
import { decodeHeaderString } from "./decode-string.js";
import { digestAlgorithmFromPgp } from "./digest-algorithms.js";
import type { Header } from "./header.js";
import { headerCorrupt } from "./header-errors.js";
import { MAX_PATH_BYTES } from "./limits.js";
import { numbersFor, stringsFor } from "./tag-arrays.js";
import { Tag } from "./tags.js";

/**
 * The algorithm of the FILEDIGESTS values: FILEDIGESTALGO, md5 when absent (as in rpm).
 * @throws GroveError `RPM_UNSUPPORTED_DIGEST` for an algorithm grove does not know
 */
export function readFileDigestAlgorithm(header: Header): DigestAlgorithm {
  const id = header.getNumber(Tag.FILEDIGESTALGO);
  return id === undefined ? "md5" : digestAlgorithmFromPgp(id, header.subject, "file digest");
}

/**
 * The paths of all files, in header order: DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or the old FILENAMES
 * list of v3 packages. Source packages have relative paths (their DIRNAMES entry is `""`), as rpm shows them.
 * @throws GroveError `RPM_HEADER_CORRUPT` on inconsistent file tags, `RPM_PATH_TOO_LONG` for paths over PATH_MAX
 */
export function readFilePaths(header: Header): string[] {
  const baseNames = header.getRawStrings(Tag.BASENAMES);
  if (baseNames === undefined) {
    const oldNames = header.getRawStrings(Tag.OLDFILENAMES);
    if (oldNames === undefined) return [];
    return oldNames.map((raw) => checkedPath(header, raw.length, () => decodeHeaderString(raw)));
  }
  const dirNames = header.getRawStrings(Tag.DIRNAMES);
  const dirIndexes = header.getNumbers(Tag.DIRINDEXES);
  if (dirNames === undefined || dirIndexes === undefined || dirIndexes.length !== baseNames.length) {
    throw headerCorrupt(
      header.subject,
      `file list is inconsistent: ${baseNames.length} BASENAMES, ${dirIndexes?.length ?? 0} DIRINDEXES, ${dirNames?.length ?? 0} DIRNAMES`,
    );
  }
  const decodedDirs = dirNames.map(decodeHeaderString);
  return baseNames.map((base, i) => {
    const index = dirIndexes[i] as number;
    const dir = dirNames[index];
    if (dir === undefined) {
      throw headerCorrupt(
        header.subject,
        `file ${i} has directory index ${index} but only ${dirNames.length} DIRNAMES`,
      );
    }
    return checkedPath(header, dir.length + base.length, () => {
      // Decode the joined bytes (not the halves) so a multi-byte character split oddly still decodes like rpm prints it.
      if (isAscii(base)) return (decodedDirs[index] as string) + decodeHeaderString(base);
      const joined = new Uint8Array(dir.length + base.length);
      joined.set(dir, 0);
      joined.set(base, dir.length);
      return decodeHeaderString(joined);
    });
  });
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

function checkedPath(header: Header, byteLength: number, build: () => string): string {
  if (byteLength > MAX_PATH_BYTES) {
    throw new GroveError(
      "RPM_PATH_TOO_LONG",
      `${header.subject}: a file path in the header is ${byteLength} bytes long (at most ${MAX_PATH_BYTES} allowed)`,
      { subject: header.subject },
    );
  }
  return build();
}

/**
 * All files of a main header with their metadata, in header order.
 * Optional per-file tags default to empty/zero values; a per-file tag with the wrong number of values,
 * or missing owner names, is `RPM_HEADER_CORRUPT`. Packages without FILEINODES (very old ones) get a
 * distinct inode per file, so that no false hard links appear.
 */
export function readFiles(header: Header): RpmFile[] {
  const paths = readFilePaths(header);
  const n = paths.length;
  if (n === 0) return [];
  const what = "files";
  const modes = numbersFor(header, Tag.FILEMODES, n, what);
  const sizes = readFileSizes(header, n);
  const users = stringsFor(header, Tag.FILEUSERNAME, n, what);
  const groups = stringsFor(header, Tag.FILEGROUPNAME, n, what);
  if (users === undefined || groups === undefined) {
    throw headerCorrupt(header.subject, "the package has files but no FILEUSERNAME/FILEGROUPNAME tags");
  }
  const digests = stringsFor(header, Tag.FILEDIGESTS, n, what);
  const links = stringsFor(header, Tag.FILELINKTOS, n, what);
  const flags = numbersFor(header, Tag.FILEFLAGS, n, what);
  const inodes = numbersFor(header, Tag.FILEINODES, n, what);
  const devices = numbersFor(header, Tag.FILEDEVICES, n, what);
  const rdevs = numbersFor(header, Tag.FILERDEVS, n, what);
  const mtimes = numbersFor(header, Tag.FILEMTIMES, n, what);
  const langs = stringsFor(header, Tag.FILELANGS, n, what);
  const caps = stringsFor(header, Tag.FILECAPS, n, what);
  const verifyFlags = numbersFor(header, Tag.FILEVERIFYFLAGS, n, what);
  return paths.map((path, i) => ({
    path,
    mode: modes?.[i] ?? 0,
    size: sizes?.[i] ?? 0,
    user: users[i] as string,
    group: groups[i] as string,
    digest: digests?.[i] ?? "",
    linkTo: links?.[i] ?? "",
    flags: flags?.[i] ?? 0,
    inode: inodes === undefined ? i + 1 : (inodes[i] as number),
    device: devices?.[i] ?? 0,
    rdev: rdevs?.[i] ?? 0,
    mtime: mtimes?.[i] ?? 0,
    lang: langs?.[i] ?? "",
    capability: caps?.[i] ?? "",
    verifyFlags: verifyFlags?.[i] ?? 0,
  }));
}

function readFileSizes(header: Header, n: number): number[] | undefined {
  if (header.has(Tag.LONGFILESIZES)) return numbersFor(header, Tag.LONGFILESIZES, n, "files");
  return numbersFor(header, Tag.FILESIZES, n, "files");
}
