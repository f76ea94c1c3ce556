import { importRpm } from "@grove/rpm";
import { initStore } from "@grove/core";
import { execSync } from "node:child_process";
import { rmSync } from "node:fs";
const files = execSync(`find /work/main/bench/out/bash/Packages -name '*.rpm' | sort`).toString().trim().split("\n");
rmSync("/tmp/probe-store", { recursive: true, force: true });
const store = await initStore("/tmp/probe-store");
const t = performance.now();
let n = 0, st = {objectsWritten:0, entries:0};
for (const f of files) { const r = await importRpm(store, f); st.objectsWritten += r.stats.objectsWritten; st.entries += r.stats.entries; }
console.log(performance.now() - t, st);
