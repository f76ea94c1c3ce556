import { initStore, importEntries } from "@grove/core";
import { rmSync, mkdirSync, openSync, writeSync, closeSync, renameSync, fchmodSync } from "node:fs";
import { createHash } from "node:crypto";
const base = process.argv[2] ?? "/dev/shm";
const N = 4000;
const files = Array.from({ length: N }, (_, i) => { const b = Buffer.alloc(2000 + (i % 50) * 400); b.writeUInt32LE(i, 0); b.writeUInt32LE(i * 7, 100); return b; });
const total = files.reduce((a, b) => a + b.length, 0);
function* entries() { for (let i = 0; i < N; i++) yield { path: `d${i % 40}/f${i}`, type: "file", mode: 0o644, uid: 0, gid: 0, content: files[i] }; }
for (let round = 0; round < 3; round++) {
  const dir = `${base}/syn-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  const store = await initStore(dir);
  let c0 = process.cpuUsage(), t = performance.now();
  await importEntries(store, entries(), { metadata: {} });
  let c = process.cpuUsage(c0);
  const g = [(performance.now() - t).toFixed(0), ((c.user + c.system) / 1000).toFixed(0)];
  // baseline: hash + raw sync write/rename of the same files
  const raw = `${base}/raw-${process.pid}`; rmSync(raw, { recursive: true, force: true }); mkdirSync(raw + "/t", { recursive: true });
  for (let i = 0; i < 256; i++) mkdirSync(`${raw}/${i.toString(16).padStart(2, "0")}`);
  c0 = process.cpuUsage(); t = performance.now();
  for (let i = 0; i < N; i++) { const h = createHash("sha256").update(files[i]).digest("hex"); const tmp = `${raw}/t/${i}`; const fd = openSync(tmp, "wx", 0o600); writeSync(fd, files[i]); fchmodSync(fd, 0o644); closeSync(fd); renameSync(tmp, `${raw}/${h.slice(0, 2)}/${h}.0644`); }
  c = process.cpuUsage(c0);
  console.log(`${process.env.GROVE_SYNC_WRITES ? "sync " : "async"} grove ${g[0]} ms (cpu ${g[1]}), raw ${(performance.now() - t).toFixed(0)} ms (cpu ${((c.user + c.system) / 1000).toFixed(0)}), ${N} files ${(total / 1e6).toFixed(1)} MB`);
  rmSync(dir, { recursive: true, force: true }); rmSync(raw, { recursive: true, force: true });
}
