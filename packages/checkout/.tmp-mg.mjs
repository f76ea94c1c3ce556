import { openStore } from "@grove/core";
import { readCommitsForCheckout } from "@grove/checkout";
import { buildCheckoutPlan } from "./dist/plan/build-plan.js";
import { mergeArea } from "./dist/mutable/merge-area.js";
import { readFileSync, mkdirSync, cpSync } from "node:fs";
const dir = process.argv[2];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
for (let i = 0; i < 3; i++) {
let t = performance.now();
const commits = readCommitsForCheckout(store, list.map(p => p.id)).map((c, i) => ({ id: list[i].id, commit: c, label: list[i].nevra }));
const plan = buildCheckoutPlan(commits);
const tp = performance.now() - t; t = performance.now();
const defaults = new Map(); for (const [p, e] of plan.entries) if (p.startsWith("/etc/")) defaults.set(p, e.entry);
const tmp = `/tmp/cko/mg${Date.now()}`; mkdirSync(tmp); cpSync(`${dir}/roots/web.1/etc`, `${tmp}/etc`, { recursive: true, verbatimSymlinks: true });
t = performance.now();
const r = mergeArea({ area: "/etc", oldRoot: `${dir}/roots/web.1`, newRoot: tmp, oldDefaults: defaults, newDefaults: defaults });
console.log("plan", tp.toFixed(0), "merge", (performance.now() - t).toFixed(0), r.skipped.length);
}
