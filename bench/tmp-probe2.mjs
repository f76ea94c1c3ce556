import { importRpm } from "@grove/rpm";
import { readRpmFile } from "../packages/rpm/dist/read-rpm.js";
import { initStore } from "@grove/core";
import { execSync } from "node:child_process";
import { rmSync } from "node:fs";
const files = execSync(`find ${process.argv[2]} -name '*.rpm' | sort`).toString().trim().split("\n");
const ok = [];
for (const f of files) { try { await readRpmFile(f); ok.push(f); } catch {} }
for (let round = 0; round < 3; round++) {
  let c0 = process.cpuUsage(); let t = performance.now();
  for (const f of ok) await readRpmFile(f);
  let c = process.cpuUsage(c0);
  const read = `read+verify wall ${(performance.now() - t).toFixed(0)} cpu ${((c.user + c.system) / 1000).toFixed(0)}`;
  const dir = `${process.argv[3] ?? "/tmp"}/probe-${process.pid}`;
  rmSync(dir, { recursive: true, force: true });
  const store = await initStore(dir);
  c0 = process.cpuUsage(); t = performance.now();
  for (const f of ok) await importRpm(store, f);
  c = process.cpuUsage(c0);
  console.log(`${read} | import wall ${(performance.now() - t).toFixed(0)} cpu ${((c.user + c.system) / 1000).toFixed(0)} (${ok.length} pkgs)`);
  rmSync(dir, { recursive: true, force: true });
}
