#!/usr/bin/env node
/**
 * The `grove` executable: runs the CLI on the process arguments and sets the exit code.
 * @packageDocumentation
 */
import "./start-tree-writer.js";
import { runGrove } from "./run.js";

// `grove inspect x.rpm --json | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

process.exitCode = await runGrove(process.argv.slice(2));
