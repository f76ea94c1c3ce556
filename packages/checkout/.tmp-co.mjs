import { openStore } from "@grove/core";
import { checkoutCommits, readCommitsForCheckout, removeTree } from "@grove/checkout";
import { readFileSync } from "node:fs";
const dir = process.argv[2]; const dest = process.argv[3];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
for (let i = 0; i < 4; i++) {
  removeTree(dest);
  const t0 = performance.now();
  const commits = readCommitsForCheckout(store, list.map(p => p.id));
  const t1 = performance.now();
  const r = checkoutCommits(store, commits.map((c, i) => ({ id: list[i].id, commit: c, label: list[i].nevra })), dest);
  const t2 = performance.now();
  console.log(`read ${(t1-t0).toFixed(0)} plan ${r.stats.planMs.toFixed(0)} write ${r.stats.writeMs.toFixed(0)} total ${(t2-t0).toFixed(0)} ms`, i === 0 ? JSON.stringify({...r.stats, planMs: undefined}) : "");
  if (i === 0) { console.log(r.warnings.length, r.warnings.slice(0, 5)); console.log(r.manifest.length, r.manifest.slice(0, 3)); }
}
