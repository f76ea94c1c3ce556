/**
 * Error constructors of the rpmdb writer. Codes are `CHECKOUT_RPMDB_*`.
 * @packageDocumentation
 */
import { GroveError } from "@grove/core/store";

/** A package header rpm itself would not install into its database as it is (v3, source, bad signature tags). */
export function unsupportedHeader(subject: string, what: string, hint?: string): GroveError {
  return new GroveError("CHECKOUT_RPMDB_UNSUPPORTED_HEADER", `${subject}: ${what}`, {
    subject,
    ...(hint === undefined ? {} : { hint }),
  });
}

/** Inconsistent header data rpm would crash on or refuse while indexing it. */
export function badHeader(subject: string, what: string): GroveError {
  return new GroveError("CHECKOUT_RPMDB_BAD_HEADER", `${subject}: ${what}`, { subject });
}

/** A caller-supplied value that does not fit the package (file states, times, colors). */
export function badInput(subject: string, what: string): GroveError {
  return new GroveError("CHECKOUT_RPMDB_BAD_INPUT", `${subject}: ${what}`, { subject });
}
