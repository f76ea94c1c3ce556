import { randomBytes } from "node:crypto";

const processToken = `${process.pid}.${randomBytes(4).toString("hex")}`;
let counter = 0;

/**
 * A file name unique across processes and calls for a temp file in the store's `tmp/`:
 * `<kind>.<pid>.<random>.<counter>` (the pid lets gc tell whose temp files these are).
 * @param kind - what the temp file will become (`obj`, `commit`, `ref`, `index`)
 */
export function tempName(kind: string): string {
  counter++;
  return `${kind}.${processToken}.${counter}`;
}
