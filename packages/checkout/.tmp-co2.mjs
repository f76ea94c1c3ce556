import { openStore } from "@grove/core";
import { checkoutCommits, readCommitsForCheckout } from "@grove/checkout";
import { readFileSync } from "node:fs";
const dir = process.argv[2]; const dest = process.argv[3];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const commits = readCommitsForCheckout(store, list.map(p => p.id));
  const t1 = performance.now();
  const r = checkoutCommits(store, commits.map((c, i) => ({ id: list[i].id, commit: c, label: list[i].nevra })), `${dest}.${Date.now()}`);
  const t2 = performance.now();
  console.log(`read ${(t1-t0).toFixed(0)} plan ${r.stats.planMs.toFixed(0)} write ${r.stats.writeMs.toFixed(0)} total ${(t2-t0).toFixed(0)} ms`);
  await new Promise(r => setTimeout(r, 500));
}
