import { importRpm } from "@grove/rpm";
import { readRpmFile } from "../packages/rpm/dist/read-rpm.js";
import { initStore } from "@grove/core";
import { rmSync } from "node:fs";
const f = process.argv[2];
for (let i = 0; i < 3; i++) {
  let c0 = process.cpuUsage(), t = performance.now();
  await readRpmFile(f);
  let c = process.cpuUsage(c0);
  const r = `read wall ${(performance.now()-t).toFixed(0)} cpu ${((c.user+c.system)/1000).toFixed(0)}`;
  const dir = `/tmp/one-${process.pid}`; rmSync(dir, { recursive: true, force: true });
  const store = await initStore(dir);
  c0 = process.cpuUsage(); t = performance.now();
  await importRpm(store, f);
  c = process.cpuUsage(c0);
  console.log(`${r} | import wall ${(performance.now()-t).toFixed(0)} cpu ${((c.user+c.system)/1000).toFixed(0)}`);
  rmSync(dir, { recursive: true, force: true });
}
