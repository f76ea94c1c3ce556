import type { Entry } from "@grove/core";
import type { TreeLayout } from "../plan/layout.js";
import type { ManifestRecord } from "../types.js";
import type { IdTable } from "./id-table.js";

/** The uid/gid importers use for an owner name they could not map ("unmapped", the kernel's overflow id). */
const UNMAPPED_ID = 65534;

/** Owner names the ids 0 stand for. */
const ROOT = "root";

/**
 * Lists what checkout could not apply on disk, per path written: owners other than root (with
 * ids resolved through the root's own passwd/group tables), setuid/setgid bits, extended attributes,
 * and device nodes, FIFOs and sockets (not created at all). Root-owned plain entries are left out,
 * so the list stays short (tens of entries for a typical root).
 * @param layout - the written tree
 * @param users - the root's users (`/etc/passwd`)
 * @param groups - the root's groups (`/etc/group`)
 */
export function buildManifest(layout: TreeLayout, users: IdTable, groups: IdTable): ManifestRecord[] {
  const out: ManifestRecord[] = [];
  for (const dir of layout.dirs) {
    if (dir.planned !== undefined) addRecord(out, dir.path, dir.planned.entry, users, groups);
  }
  for (const node of layout.nodes) addRecord(out, node.path, node.planned.entry, users, groups);
  return out;
}

function addRecord(out: ManifestRecord[], path: string, entry: Entry, users: IdTable, groups: IdTable): void {
  const special =
    entry.type === "chardev" || entry.type === "blockdev" || entry.type === "fifo" || entry.type === "socket";
  const setid = (entry.mode & 0o6000) !== 0;
  const owned = (entry.user ?? ROOT) !== ROOT || (entry.group ?? ROOT) !== ROOT || entry.uid !== 0 || entry.gid !== 0;
  const xattrs = entry.xattrs !== undefined && Object.keys(entry.xattrs).length > 0;
  if (!special && !setid && !owned && !xattrs) return;
  const record: ManifestRecord = {
    path,
    type: entry.type,
    mode: entry.mode,
    uid: resolveId(entry.uid, entry.user, users),
    gid: resolveId(entry.gid, entry.group, groups),
  };
  if (entry.user !== undefined) record.user = entry.user;
  if (entry.group !== undefined) record.group = entry.group;
  if (entry.rdev !== undefined) record.rdev = entry.rdev;
  if (xattrs) record.xattrs = entry.xattrs!;
  if (special) record.skipped = true;
  out.push(record);
}

function resolveId(id: number, name: string | undefined, table: IdTable): number {
  if (id !== UNMAPPED_ID || name === undefined) return id;
  return table.get(name) ?? UNMAPPED_ID;
}
