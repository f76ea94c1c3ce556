import { describe, expect, it } from "vitest";
import { feedXml } from "../src/metadata/xml-feed.js";
import { XmlTokenizer } from "../src/metadata/xml-tokenizer.js";

/** Feed `bytes` in `size`-byte chunks and return the concatenated text of the root element. */
async function rootText(bytes: Uint8Array, size: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunksText(chunks);
}

/** Feed `chunks` as they are and return the concatenated text of the root element. */
async function chunksText(chunks: readonly Uint8Array[]): Promise<string> {
  let text = "";
  const parser = new XmlTokenizer({
    openTag: () => true,
    text: (t) => {
      text += t;
    },
    closeTag: () => undefined,
  });
  await feedXml(
    (async function* () {
      yield* chunks;
    })(),
    parser,
    { repoId: "t", url: "file:///t.xml" },
  );
  return text;
}

describe("feedXml text decoding", () => {
  // ASCII runs (decoded by the latin1 fast path) mixed with multi-byte characters that straddle
  // chunk boundaries, a U+FEFF in the middle (kept: only a leading BOM is dropped) and a leading BOM.
  const body = `${"a".repeat(10)}é€😀${"b".repeat(20)}\uFEFFz${"c".repeat(9)}ü${"d".repeat(30)}`;
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<r>${body}</r>`, "utf8")]);

  for (const size of [1, 2, 3, 5, 7, 13, 64, 4096]) {
    it(`gives the same text as a whole-file decode with ${size}-byte chunks`, async () => {
      expect(await rootText(bytes, size)).toBe(body);
    });
  }

  it("replaces invalid UTF-8 as TextDecoder does, also before ASCII chunks", async () => {
    const raw = Buffer.concat([Buffer.from("<r>ab"), Buffer.from([0xe2, 0x82]), Buffer.from("cdefgh</r>")]);
    const expected = new TextDecoder().decode(raw).slice(3, -4);
    for (const size of [1, 4, 5, 6, 100]) expect(await rootText(raw, size)).toBe(expected);
  });

  it("keeps a U+FEFF that starts a later chunk after all-ASCII chunks", async () => {
    const chunks = ["<r>ab", "cd", "\uFEFFef", "gh</r>"].map((t) => Buffer.from(t, "utf8"));
    expect(await chunksText(chunks)).toBe("abcd\uFEFFefgh");
  });
});
