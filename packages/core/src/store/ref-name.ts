import { GroveError } from "../errors.js";
import { MAX_NAME_BYTES } from "./entry-path.js";

const SEGMENT = /^[A-Za-z0-9._+:@~^=-]+$/;

/** True when `name` is a valid ref name: `/`-separated segments of `[A-Za-z0-9._+:@~^=-]`, none `.` or `..`. */
export function isValidRefName(name: unknown): name is string {
  if (typeof name !== "string" || name === "") return false;
  return name.split("/").every((s) => SEGMENT.test(s) && s !== "." && s !== ".." && s.length <= MAX_NAME_BYTES);
}

/**
 * Throws `STORE_BAD_REF_NAME` unless `name` is a valid ref name, e.g. `rpm/bash/0:5.2.15-3.x86_64`.
 * @param name - the candidate ref name
 */
export function assertRefName(name: unknown): asserts name is string {
  if (!isValidRefName(name)) {
    throw new GroveError(
      "STORE_BAD_REF_NAME",
      `bad ref name ${JSON.stringify(name)}: refs are /-separated segments of [A-Za-z0-9._+:@~^=-], none "." or ".."`,
      { subject: String(name) },
    );
  }
}

/**
 * Throws `STORE_BAD_REF_NAME` unless `prefix` is a usable {@link Store.listRefs} prefix: empty, or a
 * string of ref-name characters and `/` (it may end in the middle of a segment, e.g. `rpm/ba`).
 * @param prefix - the candidate prefix
 */
export function assertRefPrefix(prefix: string): void {
  if (prefix !== "" && !/^[A-Za-z0-9._+:@~^=/-]+$/.test(prefix)) {
    throw new GroveError("STORE_BAD_REF_NAME", `bad ref prefix ${JSON.stringify(prefix)}`, { subject: prefix });
  }
}
