#!/usr/bin/env node
// Launcher for the `grove` command. The CLI itself is dist/grove.js, the bundle `npm run build` makes of
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
