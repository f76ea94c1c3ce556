import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";

/** One path of a tree as the oracle comparisons see it. */
export interface TreeNode {
  /** file, dir, symlink or other (device, fifo, socket). */
  type: "file" | "dir" | "symlink" | "other";
  /** st_mode & 0o7777. */
  mode: number;
  /** Symlink target. */
  target?: string;
  /** sha256 of file content. */
  sha256?: string;
  /** Inode number (files). */
  ino?: number;
  /** Link count (files). */
  nlink?: number;
}

/**
 * Every path below `root` -> node; symlinks never followed. Paths are relative (no leading slash) and
 * byte-exact: names are read as bytes and keyed as ISO-8859-1 strings (one character per byte), so a
 * non-UTF-8 name compares by its bytes. Run as root to read everything.
 */
export function readTree(root: string, options: { hash?: boolean } = {}): Map<string, TreeNode> {
  const out = new Map<string, TreeNode>();
  const base = Buffer.from(root, "utf8");
  const visit = (rel: Buffer) => {
    const full = rel.length === 0 ? base : Buffer.concat([base, SLASH, rel]);
    for (const name of readdirSync(full, { encoding: "buffer" })) {
      const r = rel.length === 0 ? name : Buffer.concat([rel, SLASH, name]);
      const file = Buffer.concat([base, SLASH, r]);
      const key = r.toString("latin1");
      const st = lstatSync(file);
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        out.set(key, { type: "dir", mode });
        visit(r);
      } else if (st.isSymbolicLink()) {
        out.set(key, { type: "symlink", mode, target: readlinkSync(file, { encoding: "buffer" }).toString("latin1") });
      } else if (st.isFile()) {
        const node: TreeNode = { type: "file", mode, ino: st.ino, nlink: st.nlink };
        if (options.hash ?? true) node.sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
        out.set(key, node);
      } else {
        out.set(key, { type: "other", mode });
      }
    }
  };
  visit(Buffer.alloc(0));
  return out;
}

const SLASH = Buffer.from("/");

/** Inode numbers of every object in a store. */
export function objectInodes(storeDir: string): Set<number> {
  const out = new Set<number>();
  const objects = path.join(storeDir, "objects");
  for (const fan of readdirSync(objects)) {
    for (const name of readdirSync(path.join(objects, fan))) out.add(lstatSync(path.join(objects, fan, name)).ino);
  }
  return out;
}

/**
 * Compares a grove root with a reference extraction (`rpm2cpio | cpio -idm`): every reference path must
 * be in the root with the same type, permission bits (setuid/setgid dropped, as grove never applies
 * them), symlink target and content; reference `etc/...` appears at `usr/etc/...` and `etc/...`.
 * Special files (devices, FIFOs, sockets) are expected to be absent. Returns the differences (empty = equal)
 * and the root paths the reference does not have.
 */
export function compareWithReference(
  reference: ReadonlyMap<string, TreeNode>,
  root: ReadonlyMap<string, TreeNode>,
  options: { ignore?: (rel: string) => boolean } = {},
): { differences: string[]; extra: string[] } {
  const differences: string[] = [];
  const seen = new Set<string>();
  for (const [rel, want] of reference) {
    const targets = rel === "etc" || rel.startsWith("etc/") ? [`usr/${rel}`, rel] : [rel];
    for (const at of targets) {
      seen.add(at);
      const got = root.get(at);
      if (want.type === "other") {
        if (got !== undefined) differences.push(`${at}: a special file was created`);
        continue;
      }
      if (got === undefined) {
        differences.push(`${at}: missing`);
        continue;
      }
      if (got.type !== want.type) {
        differences.push(`${at}: ${got.type}, expected ${want.type}`);
        continue;
      }
      const wantMode = want.type === "dir" ? want.mode & 0o1777 : want.mode & 0o777;
      if (want.type !== "symlink" && got.mode !== wantMode) {
        differences.push(`${at}: mode 0${got.mode.toString(8)}, expected 0${wantMode.toString(8)}`);
      }
      if (want.target !== got.target) differences.push(`${at}: symlink to ${got.target}, expected ${want.target}`);
      if (want.sha256 !== got.sha256) differences.push(`${at}: different content`);
    }
  }
  const extra: string[] = [];
  for (const rel of root.keys()) {
    if (!seen.has(rel) && !(options.ignore?.(rel) ?? false)) extra.push(rel);
  }
  return { differences, extra };
}
