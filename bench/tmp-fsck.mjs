import { openStore, fsck } from "@grove/core";
const store = await openStore(process.argv[2]);
for (const w of [1, 2, 1, 2]) {
  const t = performance.now(); const c0 = process.cpuUsage();
  const r = await fsck(store, { workers: w });
  const c = process.cpuUsage(c0);
  console.log(`workers ${w}: ${(performance.now() - t).toFixed(0)} ms, ${r.objectsChecked} objects, ${(r.bytesHashed/1e6).toFixed(0)} MB, main-thread cpu ${((c.user+c.system)/1000).toFixed(0)} ms, ok ${r.ok}`);
}
