import { lstatSync, renameSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { GroveError } from "@grove/core/store";
import type { RootLayout } from "./grove-layout.js";

/**
 * Points `roots/NAME` at generation G atomically: a new symlink `NAME.G` is created under a temporary
 * name and renamed over the old one, so every reader sees either the old or the new generation.
 * Throws `CHECKOUT_ROOT_NOT_SYMLINK` when `roots/NAME` is something else than a symlink.
 * @param layout - the root
 * @param generation - the generation to make current
 */
export function pointRootAt(layout: RootLayout, generation: number): void {
  try {
    if (!lstatSync(layout.link).isSymbolicLink()) {
      throw new GroveError(
        "CHECKOUT_ROOT_NOT_SYMLINK",
        `${layout.link} is not a symlink: grove will not replace it with root ${layout.name}`,
        { subject: layout.link, hint: "move it away; grove keeps roots/NAME as a symlink to the current generation" },
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const tmp = path.join(layout.rootsDir, `.${layout.name}.link.${process.pid}.${Date.now()}`);
  symlinkSync(`${layout.name}.${generation}`, tmp);
  try {
    renameSync(tmp, layout.link);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
}
