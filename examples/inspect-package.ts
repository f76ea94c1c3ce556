/**
 * Example: read one RPM package with `@grove/rpm`, verifying everything, and print what it contains.
 *
 * Build and run from the repository root:
 *
 *     npm run build
 *     node examples/dist/inspect-package.js ../shared/fixtures/real-rpms/rpm/RPMS/hello-2.0-1.x86_64.rpm
 *
 * @packageDocumentation
 */
import { isGroveError } from "@grove/core";
import { type DependencyKind, FileFlag, formatDependency, type RpmFile, readRpmFile } from "@grove/rpm";

/** The `ls -l` letter of a file type (the S_IFMT bits of st_mode). */
function typeLetter(mode: number): string {
  switch (mode & 0o170000) {
    case 0o100000:
      return "-";
    case 0o040000:
      return "d";
    case 0o120000:
      return "l";
    case 0o020000:
      return "c";
    case 0o060000:
      return "b";
    case 0o010000:
      return "p";
    case 0o140000:
      return "s";
    default:
      return "?";
  }
}

/** `-rwsr-xr-x`-style rendering of a file's st_mode, as `ls -l` and `rpm -qlv` print it. */
function modeString(mode: number): string {
  let out = typeLetter(mode);
  const specials = [0o4000, 0o2000, 0o1000]; // setuid, setgid, sticky: shown in the x column
  for (let who = 0; who < 3; who++) {
    const shift = 6 - 3 * who;
    out += mode & (0o4 << shift) ? "r" : "-";
    out += mode & (0o2 << shift) ? "w" : "-";
    const exec = (mode & (0o1 << shift)) !== 0;
    const special = (mode & (specials[who] ?? 0)) !== 0;
    const letter = who === 2 ? "t" : "s";
    out += special ? (exec ? letter : letter.toUpperCase()) : exec ? "x" : "-";
  }
  return out;
}

/** ` (config, noreplace)` for a file's RPMFILE_* flags, or `""`. */
function flagSuffix(file: RpmFile): string {
  const names = Object.entries(FileFlag)
    .filter(([, bit]) => (file.flags & bit) !== 0)
    .map(([name]) => name);
  return names.length === 0 ? "" : ` (${names.join(", ")})`;
}

async function main(file: string): Promise<void> {
  // verify: true checks the header digest, the payload digest and every file's digest while reading.
  const { pkg, payloadCompressor, fileCount } = await readRpmFile(file, { verify: true });

  console.log(`${pkg.nevra}: ${pkg.summary}`);
  console.log(`license ${pkg.license}, ${payloadCompressor} payload with ${fileCount} entries`);
  console.log("verified: header digest, payload digest and every file digest");

  const kinds: DependencyKind[] = ["requires", "provides", "conflicts", "obsoletes"];
  for (const kind of kinds) {
    const deps = pkg.dependencies[kind];
    if (deps.length > 0) console.log(`${kind}: ${deps.map((dep) => formatDependency(dep)).join(", ")}`);
  }

  console.log(`${pkg.files.length} files:`);
  for (const entry of pkg.files) {
    const link = entry.linkTo === "" ? "" : ` -> ${entry.linkTo}`;
    const owner = `${entry.user}/${entry.group}`;
    console.log(
      `  ${modeString(entry.mode)} ${owner.padEnd(12)} ${String(entry.size).padStart(9)} ${entry.path}${link}${flagSuffix(entry)}`,
    );
  }
}

const file = process.argv[2];
if (file === undefined) {
  console.error("usage: node examples/dist/inspect-package.js FILE.rpm");
  process.exitCode = 2;
} else {
  try {
    await main(file);
  } catch (err) {
    // Every failure grove reports is a GroveError with a stable code and a message naming the file.
    if (!isGroveError(err)) throw err;
    console.error(`${err.code}: ${err.message}`);
    process.exitCode = 1;
  }
}
