import { openStore } from "@grove/core";
import { checkoutCommits, readCommitsForCheckout } from "@grove/checkout";
import { readFileSync } from "node:fs";
const dir = process.argv[2]; const dest = process.argv[3];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
for (let i = 0; i < Number(process.env.N ?? 5); i++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const commits = readCommitsForCheckout(store, list.map(p => p.id));
  const r = checkoutCommits(store, commits.map((c, i) => ({ id: list[i].id, commit: c, label: list[i].nevra })), `${dest}.${i}.${process.pid}`);
  const c = process.cpuUsage(c0); const t = performance.now() - t0;
  console.log(`wall ${t.toFixed(0)} ms user ${(c.user/1000).toFixed(0)} sys ${(c.system/1000).toFixed(0)} | plan ${r.stats.planMs.toFixed(0)} write ${r.stats.writeMs.toFixed(0)}`);
}
