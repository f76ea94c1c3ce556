import { openStore } from "@grove/core";
import { readFileSync, readdirSync } from "node:fs";
for (const dir of process.argv.slice(2)) {
const store = await openStore(dir);
let n = 0, total = 0;
for (const fan of readdirSync(`${dir}/commits`)) for (const f of readdirSync(`${dir}/commits/${fan}`)) {
  const c = JSON.parse(readFileSync(`${dir}/commits/${fan}/${f}`, "utf8"));
  for (const e of c.entries) { total++; if (/[^\x00-\x7f]/.test(e.path)) { n++; if (n < 10) console.log(JSON.stringify(e.path), c.metadata.nevra); } }
}
console.log(dir, n, "non-ascii of", total);
}
