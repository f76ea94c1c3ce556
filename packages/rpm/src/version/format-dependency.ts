/**
 * A dependency as rpm prints it (`rpmdsNewDNEVR`, what `rpm -qpR` shows).
 * @packageDocumentation
 */
import type { Dependency } from "../types.js";
import { formatSenseOperator, RpmSense } from "./sense.js";

/**
 * Render a dependency the way `rpm -q --requires` (and `--provides`, ...) prints it: the name, then the comparison
 * operator when the flags have one, then the EVR when it is not empty, separated by single spaces.
 *
 * @example formatDependency({ name: "bash", flags: RpmSense.GREATER | RpmSense.EQUAL, evr: "5.1-2" }) === "bash >= 5.1-2"
 * @example formatDependency({ name: "/bin/sh", flags: 0, evr: "" }) === "/bin/sh"
 */
export function formatDependency(dep: Pick<Dependency, "name" | "flags" | "evr">): string {
  let out = dep.name;
  // Like rpm, any bit of the sense mask (even the unused bit 0 alone) opens the operator field.
  if ((dep.flags & RpmSense.SENSEMASK) !== 0) {
    if (out !== "") out += " ";
    out += formatSenseOperator(dep.flags);
  }
  if (dep.evr !== "") out = out === "" ? dep.evr : `${out} ${dep.evr}`;
  return out;
}
