import type { Store } from "@grove/core";
import { type GenerationState, readGenerationStateFile } from "../generations/generation-state.js";
import { generationDir, rootLayout, stateFile } from "../generations/grove-layout.js";
import { readCurrent } from "../generations/scan-root.js";

/** The generation a root's symlink points at, with its record. */
export interface CurrentGeneration {
  /** Generation number. */
  generation: number;
  /** Its record (request, repositories, lockfile). */
  state: GenerationState;
  /** The record's path. */
  file: string;
  /** The generation's tree. */
  path: string;
}

/**
 * The current generation of root `name`, or `undefined` when the root has no symlink (it does not
 * exist yet). Reads two small files; takes no lock.
 * @param store - the store (its directory is the grove directory)
 * @param name - the root
 * @throws GroveError `CHECKOUT_GENERATION_NOT_FOUND` / `CHECKOUT_BAD_STATE` when the record is missing or damaged
 */
export function currentGeneration(store: Pick<Store, "dir">, name: string): CurrentGeneration | undefined {
  const layout = rootLayout(store.dir, name);
  const generation = readCurrent(layout);
  if (generation === undefined) return undefined;
  const file = stateFile(layout, generation);
  return { generation, state: readGenerationStateFile(file), file, path: generationDir(layout, generation) };
}
