import { GroveError } from "@grove/core";
import { decodeHeaderString } from "../header/decode-string.js";

function badPath(subject: string, shown: string, why: string): GroveError {
  return new GroveError("RPM_PAYLOAD_BAD_PATH", `${subject}: payload member ${JSON.stringify(shown)} ${why}`, {
    subject,
    hint: "The package is corrupt or hostile; do not extract it.",
  });
}

/**
 * The header paths a cpio member name can stand for: `./usr/bin/x` and `/usr/bin/x` mean `/usr/bin/x`;
 * a relative name (source packages) is tried as it is, then with a leading `/`. Names are decoded like header
 * strings (UTF-8, else ISO-8859-1), so that they compare equal to {@link RpmFile.path}.
 * @throws GroveError `RPM_PAYLOAD_BAD_PATH` for empty names and names with `..`, `.` or empty components
 */
export function memberPathCandidates(name: Uint8Array, subject: string): string[] {
  const decoded = decodeHeaderString(name);
  let rest: string;
  let absolute: boolean;
  if (decoded.startsWith("./")) {
    rest = decoded.slice(2);
    absolute = true;
  } else if (decoded.startsWith("/")) {
    rest = decoded.slice(1);
    absolute = true;
  } else {
    rest = decoded;
    absolute = false;
  }
  if (rest === "") {
    // `./` is the root directory itself, which packages such as Fedora's `filesystem` own.
    if (absolute) return ["/"];
    throw badPath(subject, decoded, "names no file");
  }
  for (const component of rest.split("/")) {
    if (component === "..") throw badPath(subject, decoded, "has a '..' component");
    if (component === ".") throw badPath(subject, decoded, "has a '.' component");
    if (component === "") throw badPath(subject, decoded, "has an empty component");
  }
  return absolute ? [`/${rest}`] : [rest, `/${rest}`];
}
