import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SaxesParser } from "saxes";
import { decoderFor, detectCompression } from "../src/metadata/decompress.js";
import type { XmlHandler } from "../src/metadata/xml-tokenizer.js";
import type { PackageTable } from "../src/model/package-table.js";
import { repodataDir, repoRoot } from "./helpers.js";

/**
 * Drive `handler` with saxes (the parser grove used before its own tokenizer), as the test oracle:
 * the same events, text only for elements whose `openTag` returned true.
 *
 * @param handler - the handler to drive
 * @param bytes - the whole (decompressed) document
 */
export function parseWithSaxes(handler: XmlHandler, bytes: Uint8Array): void {
  const parser = new SaxesParser({ xmlns: false });
  const keep: boolean[] = [];
  parser.on("opentag", (tag) => {
    const attrs = tag.attributes as Record<string, string>;
    keep.push(handler.openTag(tag.name, { get: (name) => attrs[name] }));
  });
  const onText = (text: string): void => {
    if (keep[keep.length - 1] === true) handler.text(text);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  parser.on("closetag", (tag) => {
    keep.pop();
    handler.closeTag(tag.name);
  });
  parser.write(new TextDecoder().decode(bytes)).close();
}

/** Every column, string and text of `table`, for deep comparison. */
export function tableSnapshot(table: PackageTable): Record<string, unknown> {
  const columns: Record<string, number[]> = {};
  for (const [key, value] of Object.entries(table.columns)) columns[key] = Array.from(value as ArrayLike<number>);
  return { count: table.count, strings: table.strings.toArray(), texts: table.texts.toArray(), columns };
}

/** The decompressed bytes of a metadata file (gzip, xz, zstd, bzip2 or plain). */
export async function readMetadata(file: string): Promise<Buffer> {
  const raw = readFileSync(file);
  const decoder = decoderFor(detectCompression(raw));
  if (decoder === undefined) throw new Error(`${file}: unsupported compression`);
  const chunks: Uint8Array[] = [];
  for await (const chunk of decoder(
    (async function* () {
      yield raw;
    })(),
    file,
  )) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Every primary.xml (not zchunk) of the real-repodata fixtures, and of the bench scale set when built. */
export function primaryFiles(): string[] {
  const files: string[] = [];
  if (existsSync(repodataDir)) {
    for (const tree of readdirSync(repodataDir)) {
      const dirs = [path.join(repodataDir, tree, "repodata"), path.join(repodataDir, tree)];
      for (const dir of dirs) {
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir)) {
          if (/primary\.xml(\.(gz|xz|zst|bz2))?$/.test(name)) files.push(path.join(dir, name));
        }
      }
    }
  }
  return files.sort();
}

/** The bench scale set's primary.xml.gz (about 110 MB of XML): `bench/out/scale` when built, else a scratch conversion of apt's index. */
export async function scalePrimary(): Promise<{ file: string; cleanup: () => void }> {
  const built = path.join(repoRoot, "bench/out/scale/repodata");
  let dir = built;
  let cleanup = (): void => undefined;
  if (!existsSync(built)) {
    // No bench corpus (a clean clone, as in CI): convert apt's own package index the way `bench/make-corpus
    // --scale` does (~7 s), into a scratch directory.
    const scratch = mkdtempSync(path.join(tmpdir(), "grove-scale-"));
    cleanup = () => rmSync(scratch, { recursive: true, force: true });
    const { buildScaleRepo } = await import("../../../bench/corpus/scale-index.js");
    await buildScaleRepo(scratch);
    dir = path.join(scratch, "repodata");
  }
  const name = readdirSync(dir).find((n) => n.endsWith("-primary.xml.gz"));
  if (name === undefined) throw new Error(`no primary.xml.gz in ${dir}`);
  return { file: path.join(dir, name), cleanup };
}
