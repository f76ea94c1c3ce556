// Child process for the multi-process RPM import test: imports the given packages with the built packages.
//   node import-rpm-child.mjs <storeDir> <file.rpm>...
import { openStore } from "@grove/core";
import { importRpm } from "@grove/rpm";

const [storeDir, ...files] = process.argv.slice(2);
const store = await openStore(storeDir);
const out = [];
for (const file of files) {
  const r = await importRpm(store, file);
  out.push({ file, commitId: r.commitId, ref: r.ref });
}
process.stdout.write(`${JSON.stringify(out)}\n`);
