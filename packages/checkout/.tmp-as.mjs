import { initStore, openStore } from "@grove/core";
import { assembleRoot, listRoots } from "@grove/checkout";
import { readFileSync } from "node:fs";
const dir = process.argv[2];
const store = await openStore(dir);
const list = JSON.parse(readFileSync(`${dir}/list.json`));
const meta = await Promise.all(list.map(p => store.readCommitMetadata(p.id)));
const packages = list.map((p, i) => ({ nevra: p.nevra, sha256: meta[i].sha256, commitId: p.id }));
for (let i = 0; i < 3; i++) {
  const r = await assembleRoot(store, { name: "web", packages, request: { packages: ["apache2"] } });
  console.log(r.generation, r.elapsedMs.toFixed(0), JSON.stringify(Object.fromEntries(Object.entries(r.timings).map(([k,v])=>[k,Math.round(v)]))), JSON.stringify(r.merge ? Object.fromEntries(Object.entries(r.merge.etc).map(([k, v]) => [k, v.length])) : null));
}
console.log(JSON.stringify(listRoots(store).map(r => ({ name: r.name, current: r.current, gens: r.generations.map(g => [g.generation, g.complete, g.state?.packages.length]) }))));
