import { openStore } from "@grove/core";
import { readCommitsForCheckout } from "@grove/checkout";
import { buildCheckoutPlan } from "./dist/plan/build-plan.js";
import { layoutTree, CONTAINER_LAYOUT } from "./dist/plan/layout.js";
import { readFileSync, mkdirSync, linkSync, symlinkSync, chmodSync, copyFileSync, constants } from "node:fs";
import { copyFileTo } from "./dist/write/copy-file.js";
const dir = process.argv[2]; const dest0 = process.argv[3];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
for (let round = 0; round < 4; round++) {
const dest = `${dest0}.${Date.now()}`;
const commits = readCommitsForCheckout(store, list.map(p => p.id)).map((c, i) => ({ id: list[i].id, commit: c, label: list[i].nevra }));
let t = performance.now();
const plan = buildCheckoutPlan(commits);
const tp = performance.now() - t; t = performance.now();
const layout = layoutTree(plan, CONTAINER_LAYOUT, commits.map(c => c.label));
const tl = performance.now() - t; t = performance.now();
mkdirSync(dest);
for (const d of layout.dirs) if (d.path !== "/") mkdirSync(dest + d.path, 0o755);
const tm = performance.now() - t; t = performance.now();
let tc = 0, ts = 0, tk = 0;
for (const n of layout.nodes) {
  const e = n.planned.entry; const t0 = performance.now();
  if (e.type === "symlink") { symlinkSync(e.linkTo, dest + n.path); ts += performance.now() - t0; }
  else if (n.copy) { copyFileTo(store.objectPath(e.object, e.mode & 0o777), dest + n.path, e.mode, e.mtime); tc += performance.now() - t0; }
  else { linkSync(store.objectPath(e.object, e.mode & 0o777), dest + n.path); tk += performance.now() - t0; }
}
console.log(`plan ${tp.toFixed(0)} layout ${tl.toFixed(0)} mkdir(${layout.dirs.length}) ${tm.toFixed(0)} link ${tk.toFixed(0)} copy ${tc.toFixed(0)} symlink ${ts.toFixed(0)}`);
await new Promise(r => setTimeout(r, 300));
}
