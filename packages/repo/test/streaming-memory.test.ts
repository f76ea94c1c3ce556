import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, statSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { createGzip } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";

const execFileAsync = promisify(execFile);
const PACKAGES = 2500;
const DESCRIPTION = "A long description line that the parser must skip without keeping it. ".repeat(700); // ~50 KB

/** Writes a primary.xml.gz of about 125 MB uncompressed, package by package, and its repomd.xml. */
async function writeBigRepo(dir: string): Promise<number> {
  await mkdir(path.join(dir, "repodata"), { recursive: true });
  const file = path.join(dir, "repodata", "primary.xml.gz");
  let openSize = 0;
  const openHash = createHash("sha256");
  async function* xml(): AsyncGenerator<Buffer> {
    const emit = (text: string): Buffer => {
      const bytes = Buffer.from(text);
      openSize += bytes.length;
      openHash.update(bytes);
      return bytes;
    };
    yield emit(
      '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n',
    );
    for (let i = 0; i < PACKAGES; i++) {
      yield emit(`<package type="rpm"><name>pkg${i}</name><arch>noarch</arch><version epoch="0" ver="1.${i}" rel="1"/>
<checksum type="sha256" pkgid="YES">${createHash("sha256").update(String(i)).digest("hex")}</checksum>
<summary>package ${i}</summary><description>${DESCRIPTION}</description><location href="p/pkg${i}.rpm"/>
<format><rpm:provides><rpm:entry name="pkg${i}" flags="EQ" epoch="0" ver="1.${i}" rel="1"/></rpm:provides>
<rpm:requires><rpm:entry name="pkg${(i + 1) % PACKAGES}"/></rpm:requires></format></package>\n`);
    }
    yield emit("</metadata>\n");
  }
  await pipeline(xml, createGzip({ level: 1 }), createWriteStream(file));
  const sum = createHash("sha256");
  for await (const chunk of createReadStream(file)) sum.update(chunk as Buffer);
  writeFileSync(
    path.join(dir, "repodata", "repomd.xml"),
    `<?xml version="1.0"?><repomd xmlns="http://linux.duke.edu/metadata/repo"><data type="primary">
<checksum type="sha256">${sum.digest("hex")}</checksum><open-checksum type="sha256">${openHash.digest("hex")}</open-checksum>
<location href="repodata/primary.xml.gz"/><size>${statSync(file).size}</size><open-size>${openSize}</open-size></data></repomd>`,
  );
  return openSize;
}

/** The heap cap for the child that parses: far below the document (125 MB, or 250 MB as a UTF-16 string). */
const HEAP_LIMIT_MB = 48;

describe("streaming primary.xml", () => {
  const work = tempDir();
  afterAll(() => work.cleanup());

  it(`parses a 125 MB primary.xml inside a ${HEAP_LIMIT_MB} MB heap`, async () => {
    const openSize = await writeBigRepo(work.dir);
    expect(openSize).toBeGreaterThan(120e6);
    // A child with a hard V8 heap cap: if the parser held the document (or a growing part of it), the child
    // would die with "JavaScript heap out of memory" instead of printing the result.
    const repoModule = pathToFileURL(path.resolve(__dirname, "../dist/index.js")).href;
    const script = `
      const { loadRepo, makeRepoConfig } = await import(${JSON.stringify(repoModule)});
      const repo = await loadRepo(makeRepoConfig("big", { baseurl: [${JSON.stringify(pathToFileURL(work.dir).href)}] }));
      const last = repo.package(repo.count - 1);
      console.log(JSON.stringify({ count: repo.count, requires: last.dependencies.requires,
        heapMB: Math.round(process.memoryUsage().heapUsed / 1e6) }));
    `;
    const { stdout } = await execFileAsync(
      process.execPath,
      [`--max-old-space-size=${HEAP_LIMIT_MB}`, "--input-type=module", "-e", script],
      { maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout.trim()) as { count: number; requires: unknown; heapMB: number };
    console.log(`parsed ${(openSize / 1e6).toFixed(0)} MB of XML; heap in use at the end ${result.heapMB} MB`);
    expect(result.count).toBe(PACKAGES);
    expect(result.requires).toEqual([{ name: "pkg0", flags: 0, evr: "" }]);
  });
});
