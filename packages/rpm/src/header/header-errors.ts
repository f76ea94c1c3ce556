import { GroveError } from "@grove/core/store";

/** `RPM_HEADER_CORRUPT`: the header structure or a value in it is invalid. */
export function headerCorrupt(subject: string, what: string): GroveError {
  return new GroveError("RPM_HEADER_CORRUPT", `${subject}: corrupt RPM header: ${what}`, {
    subject,
    hint: "The file is damaged or not a valid RPM package; download it again.",
  });
}

/** `RPM_HEADER_TOO_LARGE`: a header declares more entries or data than rpm allows. */
export function headerTooLarge(subject: string, what: string): GroveError {
  return new GroveError("RPM_HEADER_TOO_LARGE", `${subject}: RPM header too large: ${what}`, {
    subject,
    hint: "rpm refuses such headers too; the file is damaged or hostile.",
  });
}

/** `RPM_BAD_MAGIC`: a magic number does not match. */
export function badMagic(subject: string, what: string): GroveError {
  return new GroveError("RPM_BAD_MAGIC", `${subject}: ${what}`, { subject });
}
