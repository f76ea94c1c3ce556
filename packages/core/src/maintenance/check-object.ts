import { createHash } from "node:crypto";
import { chmodSync, closeSync, constants, lstatSync, openSync, readSync } from "node:fs";
import path from "node:path";
import { formatPerm, parseObjectId } from "../store/ids.js";
import type { FsckProblem } from "./problems.js";

/** The result of checking one object file. */
export interface ObjectCheck {
  /** The file, relative to the grove directory (`objects/<aa>/<name>`). */
  file: string;
  /** Bytes hashed (0 when not read). */
  size: number;
  /** Problems found (empty when the object is sound). */
  problems: FsckProblem[];
}

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;

/**
 * Checks one object file synchronously: its name is `<sha256>.<pppp>` under the right `<aa>`
 * directory, it is a regular file, its permission bits on disk are exactly `pppp` (no
 * setuid/setgid/sticky), and its content hashes to its name. An object this user owns but may
 * not read (e.g. mode 0111) is made owner-readable for the read and restored afterwards.
 * @param dir - the grove directory
 * @param rel - `<aa>/<name>` below `objects/`
 */
export function checkObjectFile(dir: string, rel: string): ObjectCheck {
  const file = `objects/${rel}`;
  const problems: FsckProblem[] = [];
  const out: ObjectCheck = { file, size: 0, problems };
  const [aa, name = ""] = rel.split("/");
  const parsed = parseObjectId(name);
  if (parsed === undefined || parsed.sha256.slice(0, 2) !== aa) {
    problems.push({ kind: "object-name", subject: file, message: `${file} is not named objects/<aa>/<sha256>.<pppp>` });
    return out;
  }
  const full = path.join(dir, file);
  let st: ReturnType<typeof lstatSync>;
  try {
    st = lstatSync(full);
  } catch (err) {
    problems.push({ kind: "object-unreadable", subject: file, message: `${file}: ${(err as Error).message}` });
    return out;
  }
  if (!st.isFile()) {
    problems.push({ kind: "object-type", subject: file, message: `${file} is not a regular file` });
    return out;
  }
  const onDisk = st.mode & 0o7777;
  if (onDisk !== parsed.perm) {
    problems.push({
      kind: "object-mode",
      subject: file,
      message: `${file} has mode ${formatPerm(onDisk)} on disk, its name says ${formatPerm(parsed.perm)}`,
    });
  }
  let digest: string;
  try {
    const hashed = hashFile(full, st.uid, onDisk);
    digest = hashed.digest;
    out.size = hashed.size;
  } catch (err) {
    problems.push({
      kind: "object-unreadable",
      subject: file,
      message: `${file} cannot be read: ${(err as Error).message}`,
    });
    return out;
  }
  if (digest !== parsed.sha256) {
    problems.push({
      kind: "object-corrupt",
      subject: file,
      message: `${file} content hashes to ${digest} (modified, e.g. through a hard-linked checkout)`,
    });
  }
  return out;
}

function hashFile(full: string, owner: number, mode: number): { digest: string; size: number } {
  let fd: number;
  let restore = false;
  try {
    fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EACCES" || owner !== process.getuid?.()) throw err;
    chmodSync(full, mode | 0o400);
    restore = true;
    try {
      fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (again) {
      chmodSync(full, mode);
      throw again;
    }
  }
  try {
    buffer ??= Buffer.allocUnsafe(CHUNK);
    const hash = createHash("sha256");
    let size = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      size += n;
    }
    return { digest: hash.digest("hex"), size };
  } finally {
    closeSync(fd);
    if (restore) chmodSync(full, mode);
  }
}
