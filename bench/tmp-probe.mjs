import { importRpm } from "@grove/rpm";
import { readRpmFile } from "../packages/rpm/dist/read-rpm.js";
import { initStore } from "@grove/core";
import { execSync } from "node:child_process";
import { rmSync } from "node:fs";
const dir = process.argv[2];
const files = execSync(`find ${dir} -name '*.rpm' | sort`).toString().trim().split("\n");
const ok = [];
for (const f of files) { try { await readRpmFile(f); ok.push(f); } catch {} }
for (let round = 0; round < 2; round++) {
let t = performance.now();
for (const f of ok) await readRpmFile(f);
const read = performance.now() - t;
rmSync("/tmp/probe-store", { recursive: true, force: true });
const store = await initStore("/tmp/probe-store");
t = performance.now();
for (const f of ok) await importRpm(store, f);
const imp = performance.now() - t;
console.log(`read+verify ${read.toFixed(0)} ms, import ${imp.toFixed(0)} ms (${ok.length} pkgs)`);
}
rmSync("/tmp/probe-store", { recursive: true, force: true });
