import { initStore, importTree } from "@grove/core";
import { rmSync } from "node:fs";
rmSync("/tmp/probe-store", { recursive: true, force: true });
const store = await initStore("/tmp/probe-store");
for (let i = 0; i < 2; i++) {
const t = performance.now();
const r = await importTree(store, process.argv[2], { metadata: {} });
console.log((performance.now() - t).toFixed(0), "ms", r.stats);
}
