import { DEPENDENCY_KINDS, type InspectedPackage, type PackageVerification } from "./inspected-package.js";

/**
 * The human summary `grove inspect` prints: rpm -qpi's fields, then dependency counts, payload,
 * files, scriptlets and what was verified. Ends with a newline.
 */
export function renderPackageSummary(inspected: InspectedPackage): string {
  const { pkg } = inspected;
  const rows: [string, string][] = [
    ["Name", pkg.name],
    ...(pkg.epoch === undefined ? [] : ([["Epoch", String(pkg.epoch)]] as [string, string][])),
    ["Version", pkg.version],
    ["Release", pkg.release],
    ["Architecture", pkg.arch],
    ["NEVRA", pkg.nevra],
  ];
  const optional: [string, string][] = [
    ["Group", pkg.group],
    ["Size", String(pkg.size)],
    ["License", pkg.license],
    ["Source RPM", pkg.sourceRpm],
    ["Build Date", formatUtc(pkg.buildTime)],
    ["Build Host", pkg.buildHost],
    ["Packager", pkg.packager],
    ["Vendor", pkg.vendor],
    ["URL", pkg.url],
    ["Summary", pkg.summary],
  ];
  rows.push(...optional.filter(([, value]) => value !== ""));
  rows.push(
    ["Dependencies", dependencyCounts(inspected)],
    ["Payload", payloadLine(inspected)],
    ["Files", String(pkg.files.length)],
    ["Scriptlets", pkg.scripts.length === 0 ? "none" : pkg.scripts.map((script) => script.kind).join(", ")],
    ["Triggers", String(pkg.triggers.length + pkg.fileTriggers.length)],
    ["Verified", verificationLine(inspected.verification)],
  );
  const lines = rows.map(([label, value]) => `${label.padEnd(12)}: ${value}`);
  lines.push("Description :", pkg.description);
  return `${lines.join("\n")}\n`;
}

/** `2008-11-22 12:00:00 UTC` for seconds since the epoch. */
function formatUtc(seconds: number): string {
  return new Date(seconds * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

function dependencyCounts(inspected: InspectedPackage): string {
  return DEPENDENCY_KINDS.map((kind) => `${inspected.dependencies[kind].length} ${kind}`).join(", ");
}

function payloadLine(inspected: InspectedPackage): string {
  return (
    `${inspected.payloadCompressor}, ${inspected.compressedBytes} bytes ` +
    `(${inspected.payloadBytes} uncompressed), ${inspected.fileCount} archive entries`
  );
}

/** `header sha256 and sha1; payload sha256; 12 file digests (sha256)`, or why nothing was checked. */
export function verificationLine(verification: PackageVerification | undefined): string {
  if (verification === undefined) return "no (--no-verify)";
  const { headerDigests, payloadDigests, fileDigests } = verification;
  const files = `${fileDigests} file digest${fileDigests === 1 ? "" : "s"}`;
  return [
    headerDigests.length === 0 ? "no header digest" : `header ${listText(headerDigests)}`,
    payloadDigests.length === 0 ? "no payload digest" : `payload ${listText(payloadDigests)}`,
    fileDigests === 0 ? files : `${files} (${verification.fileDigestAlgorithm})`,
  ].join("; ");
}

/** `a`, `a and b`, `a, b and c`. */
function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
