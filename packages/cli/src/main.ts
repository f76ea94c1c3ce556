#!/usr/bin/env node
/**
 * The unbundled `grove`: runs the CLI from the per-file `dist/` modules on the process arguments and sets the
 * exit code. The `grove` bin runs the bundle instead (`grove.ts`).
 * @packageDocumentation
 */
import { runCommandLine } from "./cli-entry.js";

process.exitCode = await runCommandLine(process.argv.slice(2));
