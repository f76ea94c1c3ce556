import { importRpm } from "@grove/rpm";
import { initStore } from "@grove/core";
import { execSync } from "node:child_process";
import { rmSync } from "node:fs";
const files = execSync(`find ${process.argv[2]} -name '*.rpm' | sort`).toString().trim().split("\n");
const dir = `/tmp/probe-${process.pid}`;
const store = await initStore(dir);
for (const f of files) { try { await importRpm(store, f); } catch {} }
