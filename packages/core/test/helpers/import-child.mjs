// Child process for the concurrency and crash tests: imports into a store with the built @grove/core.
//   node import-child.mjs tree <storeDir> <treeDir> <ref>
//   node import-child.mjs gen <storeDir> <first> <count> <ref>
//   node import-child.mjs cas <storeDir> <ref> <times>   (increments a counter commit with compare-and-swap)
// `gen` imports files gen/<i> (i = first .. first+count-1) whose content depends only on i, so
// ranges that overlap produce the same objects; every 50th file is 2 MiB and streamed.
import { importEntries, importTree, isGroveError, openStore } from "@grove/core";

function content(i) {
  const size = i % 50 === 0 ? 2 * 1024 * 1024 : 100 + (i % 7) * 1000;
  const buf = Buffer.alloc(size);
  for (let off = 0; off < size; off += 4) buf.writeUInt32LE((i * 2654435761 + off) >>> 0, Math.min(off, size - 4));
  return buf;
}

async function* stream(buf) {
  for (let off = 0; off < buf.length; off += 65536) yield buf.subarray(off, off + 65536);
}

async function* entries(first, count) {
  yield { path: "gen", type: "dir", mode: 0o755, uid: 0, gid: 0 };
  for (let i = first; i < first + count; i++) {
    // The crash test kills the child after a given number of entries: report progress on stderr.
    if ((i - first) % 25 === 0) process.stderr.write(`progress ${i - first}\n`);
    const buf = content(i);
    yield {
      path: `gen/${i}`,
      type: "file",
      mode: i % 3 === 0 ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      content: buf.length > 1024 * 1024 ? stream(buf) : buf,
    };
  }
}

const [mode, storeDir, a, b, c] = process.argv.slice(2);
const store = await openStore(storeDir);
let result;
if (mode === "cas") {
  let retries = 0;
  for (let i = 0; i < Number(b); i++) {
    for (;;) {
      const current = await store.getRef(a);
      const count = current === undefined ? 0 : (await store.readCommitMetadata(current)).count;
      const next = await store.writeCommit({ version: 1, entries: [], metadata: { count: count + 1 } });
      try {
        await store.setRef(a, next, { expected: current ?? null });
        break;
      } catch (err) {
        if (!isGroveError(err) || err.code !== "STORE_REF_CHANGED") throw err;
        retries++;
      }
    }
  }
  process.stdout.write(`${JSON.stringify({ retries })}\n`);
  process.exit(0);
}
if (mode === "tree") {
  result = await importTree(store, a, { metadata: { kind: "tree", from: a }, ref: b });
} else {
  result = await importEntries(store, entries(Number(a), Number(b)), {
    metadata: { kind: "gen", first: Number(a) },
    ref: c,
  });
}
process.stdout.write(`${JSON.stringify({ commitId: result.commitId, stats: result.stats })}\n`);
