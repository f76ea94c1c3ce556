/**
 * Reading a .deb: its control stanza and conffiles (`dpkg-deb -e`), and its file system tree, extracted by our own
 * tar reader from `dpkg-deb --fsys-tarfile` so every member's mode, owner name and link is known exactly.
 * @packageDocumentation
 */
import { chmod, link as hardLink, lstat, lutimes, mkdir, open, readFile, symlink } from "node:fs/promises";
import path from "node:path";
import { GroveError } from "@grove/core";
import { parseStanzas, type Stanza } from "./deb822.js";
import { runCommand, streamCommand } from "./run-command.js";
import { readTar, type TarEntry } from "./tar-reader.js";

/** A .deb's control data. */
export interface DebControl {
  /** The `control` stanza. */
  control: Stanza;
  /** Absolute paths listed in `conffiles`. */
  conffiles: string[];
}

/** One path a .deb installs. */
export interface DebFileEntry {
  /** Absolute, normalized path (`/` for the root, no trailing slash otherwise). */
  path: string;
  /** Kind of object. */
  type: "file" | "directory" | "symlink" | "hardlink";
  /** Permission bits including setuid/setgid/sticky. */
  mode: number;
  /** Owner name. */
  user: string;
  /** Group name. */
  group: string;
  /** Content size (regular files). */
  size: number;
  /** Symlink target as stored, or for a hard link the normalized path of the file it shares an inode with. */
  linkTarget: string;
  /** Modification time, seconds since the epoch. */
  mtime: number;
}

/**
 * Turn a tar member path (`./usr/bin/x`, `./`, `usr/lib/`) into an absolute normalized path.
 * @throws GroveError `CORPUS_BAD_MEMBER_PATH` for paths that climb out of the root or contain a newline.
 */
export function normalizeMemberPath(raw: string, subject: string): string {
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      throw new GroveError("CORPUS_BAD_MEMBER_PATH", `${subject}: member path "${raw}" climbs out of the root`, {
        subject,
      });
    }
    parts.push(part);
  }
  const out = `/${parts.join("/")}`;
  if (out.includes("\n") || out.includes("\r")) {
    throw new GroveError("CORPUS_BAD_MEMBER_PATH", `${subject}: member path ${JSON.stringify(raw)} has a newline`, {
      subject,
    });
  }
  return out;
}

/**
 * Read a .deb's control stanza and conffiles list.
 * @param controlDir - a scratch directory (created) that receives the control members
 */
export async function readDebControl(debPath: string, controlDir: string): Promise<DebControl> {
  await runCommand("dpkg-deb", ["-e", debPath, controlDir]);
  const stanzas = parseStanzas(await readFile(path.join(controlDir, "control"), "utf8"), `${debPath}:control`);
  const control = stanzas[0];
  if (control === undefined) {
    throw new GroveError("CORPUS_BAD_CONTROL", `${debPath}: control file is empty`, { subject: debPath });
  }
  let conffiles: string[] = [];
  try {
    const text = await readFile(path.join(controlDir, "conffiles"), "utf8");
    conffiles = text
      .split("\n")
      .map((line) =>
        line
          .trim()
          .split(/\s+/)
          .find((token) => token.startsWith("/")),
      )
      .filter((p): p is string => p !== undefined);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return { control, conffiles };
}

/** Owner and group names of a member; uid/gid 0 without a name is root. */
function ownerNames(entry: TarEntry, subject: string): { user: string; group: string } {
  const user = entry.uname !== "" ? entry.uname : entry.uid === 0 ? "root" : "";
  const group = entry.gname !== "" ? entry.gname : entry.gid === 0 ? "root" : "";
  if (user === "" || group === "") {
    throw new GroveError(
      "CORPUS_UNNAMED_OWNER",
      `${subject}: ${entry.path} is owned by ${entry.uid}:${entry.gid} without a user or group name`,
      { subject },
    );
  }
  return { user, group };
}

/** Write one regular member's content to `target`. */
async function writeContent(target: string, content: AsyncIterable<Uint8Array>, mode: number): Promise<void> {
  const handle = await open(target, "wx", 0o600);
  try {
    for await (const piece of content) {
      let written = 0;
      while (written < piece.length) {
        const { bytesWritten } = await handle.write(piece, written, piece.length - written);
        written += bytesWritten;
      }
    }
  } finally {
    await handle.close();
  }
  await chmod(target, mode & 0o777);
}

/**
 * Extract a .deb's file system tree into `stageDir` (created; must not exist yet) and return every member.
 * Modes on disk drop setuid/setgid/sticky (the spec's `%attr` carries the exact mode); hard links become hard links.
 *
 * @throws GroveError `CORPUS_BAD_TAR`, `CORPUS_BAD_MEMBER_PATH`, `CORPUS_UNSUPPORTED_MEMBER` (devices, fifos),
 *   `CORPUS_UNNAMED_OWNER`, or `CORPUS_COMMAND_FAILED` when dpkg-deb fails.
 */
export async function extractDebData(debPath: string, stageDir: string): Promise<DebFileEntry[]> {
  await mkdir(stageDir, { recursive: false });
  const tar = streamCommand("dpkg-deb", ["--fsys-tarfile", debPath]);
  const entries: DebFileEntry[] = [];
  const onDisk = (p: string): string => path.join(stageDir, p);
  try {
    for await (const { entry, content } of readTar(tar.stdout, debPath)) {
      const memberPath = normalizeMemberPath(entry.path, debPath);
      const { user, group } = ownerNames(entry, debPath);
      const base = { path: memberPath, mode: entry.mode, user, group, size: 0, linkTarget: "", mtime: entry.mtime };
      if (entry.type === "directory") {
        await mkdir(onDisk(memberPath), { recursive: true });
        entries.push({ ...base, type: "directory" });
        continue;
      }
      if (memberPath === "/") {
        throw new GroveError("CORPUS_BAD_MEMBER_PATH", `${debPath}: the root is stored as a non-directory`);
      }
      await mkdir(path.dirname(onDisk(memberPath)), { recursive: true });
      if (entry.type === "file") {
        await writeContent(onDisk(memberPath), content, entry.mode);
        entries.push({ ...base, type: "file", size: entry.size });
      } else if (entry.type === "symlink") {
        await symlink(entry.linkTarget, onDisk(memberPath));
        entries.push({ ...base, type: "symlink", linkTarget: entry.linkTarget });
      } else if (entry.type === "hardlink") {
        const target = normalizeMemberPath(entry.linkTarget, debPath);
        await hardLink(onDisk(target), onDisk(memberPath));
        const size = (await lstat(onDisk(target))).size;
        entries.push({ ...base, type: "hardlink", linkTarget: target, size });
      } else {
        throw new GroveError(
          "CORPUS_UNSUPPORTED_MEMBER",
          `${debPath}: ${memberPath} has tar type "${entry.typeflag}" (devices and fifos are not converted)`,
          { subject: debPath },
        );
      }
    }
    await tar.finish();
  } catch (err) {
    tar.kill();
    await tar.finish().catch(() => undefined);
    throw err;
  }
  await restoreTimes(stageDir, entries);
  return entries;
}

/** Give every extracted path its archived mtime (directories last, deepest first, so children do not bump them). */
async function restoreTimes(stageDir: string, entries: readonly DebFileEntry[]): Promise<void> {
  const dirs: DebFileEntry[] = [];
  for (const entry of entries) {
    if (entry.type === "directory") dirs.push(entry);
    else await lutimes(path.join(stageDir, entry.path), entry.mtime, entry.mtime);
  }
  dirs.sort((a, b) => b.path.length - a.path.length);
  for (const dir of dirs) await lutimes(path.join(stageDir, dir.path), dir.mtime, dir.mtime);
}
