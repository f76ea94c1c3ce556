#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=1 --heap-growing-percent=100
// Launcher for the `grove` command. The first line also sets three memory settings measured on the cold
// assemble (docs/packages/cli.md, "Memory"): glibc allocates blocks of 128 KiB and more with mmap and gives
// them back when freed (its adaptive threshold otherwise keeps the payload chunks in fragmented arenas),
// V8's young generation stays at 1 MB per semi-space, and V8's heap limits (for its own heap and for the memory
// of the buffers it holds) may at most double between full collections (V8 otherwise picks 1.1x-4x from its
// speed), so that network and payload buffers that outlived the young generation are freed sooner.
// Peak RSS of a cold assemble fell from 210-240 MB to 140-165 MB with the first two, and to 124-135 MB with
// the third, for about 3 % more time.
// The CLI itself is dist/grove.js, the bundle `npm run build` makes of
// dist/main.js (compiled from src/) and the other @grove packages; this file exists in the source tree so
// that `npm ci` can link the bin before anything is built.
const entry = new URL("../dist/grove.js", import.meta.url);
try {
  await import(entry.href);
} catch (err) {
  if (err?.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes(entry.pathname)) {
    process.stderr.write("grove: the CLI is not built yet\nhint: run 'npm run build' at the repository root\n");
    process.exitCode = 1;
  } else {
    throw err;
  }
}
