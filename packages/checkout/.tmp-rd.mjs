import { openStore } from "@grove/core";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
const dir = process.argv[2];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
for (let round = 0; round < 3; round++) {
let t = performance.now();
for (const p of list) await store.readCommit(p.id);
const a = performance.now() - t; t = performance.now();
let n = 0;
for (const p of list) { const b = readFileSync(store.commitPath(p.id)); const h = createHash("sha256").update(b).digest("hex"); if (h !== p.id) throw 1; const c = JSON.parse(b.toString()); n += c.entries.length; }
const b = performance.now() - t;
console.log("readCommit", a.toFixed(0), "fast", b.toFixed(0), n);
}
