import { importRpm } from "@grove/rpm";
import { initStore } from "@grove/core";
import { execSync } from "node:child_process";
import { rmSync } from "node:fs";
const files = execSync(`find ${process.argv[2]} -name '*.rpm' | sort`).toString().trim().split("\n");
const dir = `/tmp/probe-store-${process.pid}`;
rmSync(dir, { recursive: true, force: true });
const store = await initStore(dir);
const c0 = process.cpuUsage(); const t = performance.now();
let n = 0;
for (const f of files) { try { await importRpm(store, f); n++; } catch {} }
const c = process.cpuUsage(c0);
console.log(process.env.GROVE_SYNC_WRITES ? "sync " : "async", "wall", (performance.now() - t).toFixed(0), "cpu", ((c.user + c.system)/1000).toFixed(0), n);
rmSync(dir, { recursive: true, force: true });
