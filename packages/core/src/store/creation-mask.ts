import fs from "node:fs";
import path from "node:path";
import { tempName } from "./temp-names.js";

const masks = new WeakMap<object, number>();

/**
 * The permission bits a file created in the store's `tmp/` loses to the umask (or to a default ACL of
 * `tmp/`), learnt once per store instance by creating a probe file with mode 0o777 there. An object file
 * whose permission bits `perm` satisfy `(perm & mask) === 0` is then created with `perm` directly and
 * needs no `fchmod`. Returns `undefined` when the probe fails (the caller then always `fchmod`s).
 * Assumes the process's umask does not change while the store is open (grove never changes it).
 * @param target - the store (any object identifying it)
 * @param tmpDir - the store's `tmp/` directory
 */
export function creationMask(target: object, tmpDir: string): number | undefined {
  const known = masks.get(target);
  if (known !== undefined) return known;
  const probe = path.join(tmpDir, tempName("umask"));
  let mask: number | undefined;
  try {
    const fd = fs.openSync(probe, "wx", 0o777);
    try {
      mask = 0o777 & ~fs.fstatSync(fd).mode;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    mask = undefined;
  } finally {
    try {
      fs.unlinkSync(probe);
    } catch {
      // the probe was not created
    }
  }
  if (mask !== undefined) masks.set(target, mask);
  return mask;
}
