#!/bin/sh
":" //; export GROVE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS-}" MALLOC_MMAP_THRESHOLD_=131072; unset NODE_EXTRA_CA_CERTS; exec node --max-semi-space-size=1 "$0" "$@"
// Launcher for the `grove` command: a shell script (the two lines above) that starts Node on this same file, to
// which the second line is a string and a comment (to the shell, the no-op builtin `:` and then the commands; a
// first word such as `//bin/true` would cost a fork and an exec). The shell sets up the process
// (docs/packages/cli.md, "Start-up and memory"):
// - MALLOC_MMAP_THRESHOLD_=131072: glibc allocates blocks of 128 KiB and more with mmap and gives them back when
//   freed (its adaptive threshold otherwise keeps the payload chunks in fragmented arenas);
// - --max-semi-space-size=1: V8's young generation on the main thread stays at 1 MB per semi-space (by default it
//   grows to 16 MB while an import streams). With both, a cold assemble peaked at 140-165 MB instead of 210-240.
// - NODE_EXTRA_CA_CERTS is handed over as GROVE_EXTRA_CA_CERTS: Node 20 reads and parses that file as it starts,
//   whether the command goes on the network or not (30 ms for Debian's 140-certificate bundle). The CLI adds
//   those certificates when it opens its first HTTPS connection instead (src/extra-ca-fetch.ts), and the
//   variable is put back below for the processes grove starts.
// A shell script rather than `#!/usr/bin/env -S ...`: that line would be longer than the 127 characters Linux
// before 5.1 reads of it.
// The CLI itself is dist/grove.cjs, which runs dist/grove-bundle.cjs with its code cache: `npm run build` makes
// both of the compiled sources (src/grove.ts, src/cli-entry.ts) and the other @grove packages. This file is
// CommonJS (bin/package.json says so; Node's ES module loader costs 7 ms to start) and exists in the source tree
// so that `npm ci` can link the bin before anything is built.
"use strict";
const { setFlagsFromString } = require("node:v8");

// V8 read --max-semi-space-size when it set up the main thread's heap; the flag is put back to its default now.
// A V8 flag that differs from its default makes V8 reject the code caches Node ships for its own modules, and
// each built-in module a command loads (some 90 for an assemble: streams, crypto, worker threads) is then
// compiled from source: 20 ms more for a warm assemble, on each of its two threads. It would reject grove's own
// code cache too (src/code-cache.ts). Worker threads set their own limits (`resourceLimits`); the CLI caps V8's
// heap growth itself once it knows it imports packages (src/import-memory.ts).
if (process.execArgv.includes("--max-semi-space-size=1")) setFlagsFromString("--max-semi-space-size=0");
if (process.env.GROVE_EXTRA_CA_CERTS) process.env.NODE_EXTRA_CA_CERTS = process.env.GROVE_EXTRA_CA_CERTS;
else delete process.env.GROVE_EXTRA_CA_CERTS;

const entry = require("node:path").join(__dirname, "../dist/grove.cjs");
try {
  require(entry);
} catch (err) {
  if (err?.code !== "MODULE_NOT_FOUND" || !String(err.message).includes(entry)) throw err;
  process.stderr.write("grove: the CLI is not built yet\nhint: run 'npm run build' at the repository root\n");
  process.exitCode = 1;
}
