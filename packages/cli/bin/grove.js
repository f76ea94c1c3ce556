#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=1
// Launcher for the `grove` command. The first line also sets two memory settings measured on the cold
// assemble (docs/packages/cli.md, "Memory"): glibc allocates blocks of 128 KiB and more with mmap and gives
// them back when freed (its adaptive threshold otherwise keeps the payload chunks in fragmented arenas), and
// V8's young generation stays at 1 MB per semi-space. Peak RSS of a cold assemble fell from 210-240 MB to
// 140-165 MB; CPU time did not change measurably.
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
