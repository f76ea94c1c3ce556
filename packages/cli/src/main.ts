#!/usr/bin/env node
/**
 * The `grove` executable: runs the CLI on the process arguments and sets the exit code.
 * @packageDocumentation
 */
// First, and alone: for `grove assemble`, the tree writer's thread starts before the rest of the CLI (commander,
// the commands) is even loaded, which `run.js` below is, dynamically so that the bundle keeps it out of this file.
import "./start-tree-writer.js";

const { runGrove } = await import("./run.js");

// `grove inspect x.rpm --json | head` closes the pipe early: that is not an error.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

process.exitCode = await runGrove(process.argv.slice(2));
