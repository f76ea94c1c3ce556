import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];

/** A fresh temp directory removed after the current test. */
export async function tempDir(label = "grove-core-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), label));
  made.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});
