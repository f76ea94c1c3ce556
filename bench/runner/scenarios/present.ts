/**
 * Existence checks that count a dangling symlink as present (a root's link may point at a removed tree).
 * @packageDocumentation
 */
import { lstatSync } from "node:fs";

/** True when `p` exists, a dangling symlink included. */
export function present(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}
