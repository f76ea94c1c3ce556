import { rmSync, mkdirSync, openSync, writeSync, closeSync, renameSync, fchmodSync } from "node:fs";
const base = process.argv[2];
const N = 4000;
const files = Array.from({ length: N }, (_, i) => Buffer.alloc(2000 + (i % 50) * 400, i & 255));
for (const variant of ["fchmod", "nofchmod", "inplace", "fchmod", "nofchmod", "inplace"]) {
  const raw = `${base}/raw-${process.pid}`; rmSync(raw, { recursive: true, force: true }); mkdirSync(raw + "/t", { recursive: true });
  for (let i = 0; i < 256; i++) mkdirSync(`${raw}/${i.toString(16).padStart(2, "0")}`);
  const c0 = process.cpuUsage(); const t = performance.now();
  for (let i = 0; i < N; i++) {
    const aa = (i % 256).toString(16).padStart(2, "0");
    const tmp = variant === "inplace" ? `${raw}/${aa}/.t${i}` : `${raw}/t/${i}`;
    const fd = openSync(tmp, "wx", variant === "fchmod" ? 0o600 : 0o644); writeSync(fd, files[i]);
    if (variant === "fchmod") fchmodSync(fd, 0o644);
    closeSync(fd); renameSync(tmp, `${raw}/${aa}/${i}.0644`);
  }
  const c = process.cpuUsage(c0);
  console.log(variant.padEnd(9), "wall", (performance.now() - t).toFixed(0), "user", (c.user / 1000).toFixed(0), "sys", (c.system / 1000).toFixed(0));
  rmSync(raw, { recursive: true, force: true });
}
