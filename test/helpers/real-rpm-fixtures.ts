/**
 * Locating the shared real-RPM fixtures (`../shared/fixtures/real-rpms` beside the repository).
 * @packageDocumentation
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in `<root>/test/helpers/`). */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** `<repo>/../shared/fixtures/real-rpms`. */
export const realRpmsDir: string = path.resolve(repoRoot, "../shared/fixtures/real-rpms");

/** Whether the shared fixtures are present. */
export function realRpmsAvailable(): boolean {
  try {
    return statSync(realRpmsDir).isDirectory();
  } catch {
    return false;
  }
}

/** Every `*.rpm` under the fixtures directory, as paths relative to it, sorted. */
export function listRealRpms(dir: string = realRpmsDir): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(relPath);
      else if (entry.isFile() && entry.name.endsWith(".rpm")) out.push(relPath);
    }
  };
  walk("");
  return out.sort();
}

/** Every `*.rpm` under `dir` (any depth), as absolute paths, sorted. */
export function rpmFilesUnder(dir: string): string[] {
  return listRealRpms(dir).map((rel) => path.join(dir, rel));
}
