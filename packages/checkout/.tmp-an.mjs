import { openStore } from "@grove/core";
import { readFileSync } from "node:fs";
const dir = process.argv[2];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
const t = performance.now();
const commits = [];
for (const p of list) commits.push({ ...p, commit: await store.readCommit(p.id) });
console.log("readCommit all", (performance.now() - t).toFixed(0), "ms");
const types = {}; let total = 0; const byPath = new Map(); const dirModes = new Map();
for (const c of commits) for (const e of c.commit.entries) {
  total++; types[e.type] = (types[e.type] ?? 0) + 1;
  const prev = byPath.get(e.path);
  if (prev && e.type !== "dir") console.log("dup", e.path, prev.type, e.type, prev.object === e.object, c.nevra);
  if (e.type === "dir") { const m = dirModes.get(e.path); if (m !== undefined && m !== e.mode) console.log("dirmode", e.path, m.toString(8), e.mode.toString(8)); dirModes.set(e.path, e.mode); }
  byPath.set(e.path, e);
  if (e.type === "symlink" && e.path.split("/").length <= 3) console.log("symlink", e.path, e.linkTo, c.nevra);
  if (e.flags & 64) console.log("ghost", e.type, e.path);
  if (e.mode & 0o7000) console.log("special mode", e.path, e.mode.toString(8));
  if (e.uid || e.gid) console.log("owner", e.path, e.user, e.group);
  if (e.xattrs) console.log("xattr", e.path);
}
console.log(types, total, byPath.size);
const etc = [...byPath.values()].filter(e => e.path.startsWith("/etc/")); const v = [...byPath.values()].filter(e => e.path.startsWith("/var/"));
console.log("etc", etc.length, "var", v.length, v.filter(e=>e.type==="file").map(e=>e.path));
console.log("etc flags", etc.filter(e => e.type==="file").map(e => e.flags).reduce((a, f) => (a[f]=(a[f]??0)+1, a), {}));
