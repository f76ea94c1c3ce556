import { readdirSync } from "node:fs";
import path from "node:path";
import { isGroveError } from "@grove/core";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../../test/helpers/seeded-random.js";
import { createFilelistsParser } from "../src/metadata/filelists-parser.js";
import { createPrimaryParser } from "../src/metadata/primary-parser.js";
import { feedXml } from "../src/metadata/xml-feed.js";
import { type XmlHandler, XmlSyntaxError, XmlTokenizer } from "../src/metadata/xml-tokenizer.js";
import { haveFixtures, repodataDir } from "./helpers.js";
import { parseWithSaxes, primaryFiles, readMetadata, scalePrimary, tableSnapshot } from "./xml-oracle.js";

/** `bytes` cut at random places into chunks of 1 to `max` bytes. */
function randomChunks(bytes: Uint8Array, seed: number, max: number): Uint8Array[] {
  const next = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * max);
    chunks.push(bytes.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

function fixedChunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** The table (or the error message) grove's tokenizer gives for `chunks`. */
function parseChunks(chunks: readonly Uint8Array[]): unknown {
  const parse = createPrimaryParser("t", "file:///t");
  try {
    for (const chunk of chunks) parse.parser.write(chunk);
    parse.parser.close();
  } catch (err) {
    return { error: (err as Error).message };
  }
  return tableSnapshot(parse.finish());
}

/** The table (or the error message) the same handler gives when saxes drives it. */
function parseSaxes(bytes: Uint8Array): unknown {
  const parse = createPrimaryParser("t", "file:///t");
  try {
    parseWithSaxes(parse.handler, bytes);
  } catch (err) {
    return isGroveError(err) ? { error: err.message } : { saxesError: (err as Error).message };
  }
  return tableSnapshot(parse.finish());
}

const present = haveFixtures();

describe.skipIf(!present)("grove's tokenizer against saxes on real primary.xml files", () => {
  const files = primaryFiles();

  it("finds the fixtures' primary files", () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  for (const file of files) {
    const name = path.relative(repodataDir, file);
    it(`${name}: the same package table as saxes, whole and split at random chunk boundaries`, async () => {
      const bytes = await readMetadata(file);
      const expected = parseSaxes(bytes);
      expect(expected).not.toHaveProperty("saxesError");
      expect(parseChunks([bytes])).toEqual(expected);
      for (const seed of [1, 2, 3]) expect(parseChunks(randomChunks(bytes, seed, 1 + seed * 37))).toEqual(expected);
      expect(parseChunks(randomChunks(bytes, 9, 70_000))).toEqual(expected);
    });
  }

  it("repo_01_ampersand-primary.xml (entities): the same table with 1-byte chunks", async () => {
    const bytes = await readMetadata(path.join(repodataDir, "createrepo_c-malformed/repo_01_ampersand-primary.xml"));
    const expected = parseSaxes(bytes);
    expect(parseChunks(fixedChunks(bytes, 1))).toEqual(expected);
    expect(parseChunks(fixedChunks(bytes, 2))).toEqual(expected);
  });

  it("filelists.xml: the same file lists as saxes, whole and in random chunks", async () => {
    let compared = 0;
    for (const primary of files) {
      const dir = path.dirname(primary);
      const name = readdirSync(dir).find((n) => /filelists\.xml(\.(gz|xz|zst|bz2))?$/.test(n));
      if (name === undefined || path.basename(dir) === "createrepo_c-malformed") continue;
      const table = createPrimaryParser("t", "file:///t");
      parseWithSaxes(table.handler, await readMetadata(primary));
      const bytes = await readMetadata(path.join(dir, name));
      const packages = table.finish();
      const oracle = createFilelistsParser(packages, "t", "file:///t");
      parseWithSaxes(oracle.handler, bytes);
      const expected = oracle.finish();
      for (const chunks of [[bytes], randomChunks(bytes, compared + 1, 300)]) {
        const mine = createFilelistsParser(packages, "t", "file:///t");
        for (const chunk of chunks) mine.parser.write(chunk);
        mine.parser.close();
        const lists = mine.finish();
        expect(lists).toEqual(expected);
        for (let i = 0; i < packages.count; i++) expect(lists.files(i)).toEqual(expected.files(i));
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(5);
  });

  it("the bench scale set (Debian's whole index as rpm-md, ~65,000 packages): the same table as saxes", async () => {
    const scale = await scalePrimary();
    try {
      const bytes = await readMetadata(scale.file);
      const expected = parseSaxes(bytes);
      expect((expected as { count: number }).count).toBeGreaterThan(60_000);
      expect(parseChunks(randomChunks(bytes, 4, 1 << 20))).toEqual(expected);
    } finally {
      scale.cleanup();
    }
  }, 180_000);
});

/** Records every event, asking for all text, with the attributes named in `attributeNames`. */
function recorder(attributeNames: readonly string[]): { handler: XmlHandler; events: unknown[] } {
  const events: unknown[] = [];
  const handler: XmlHandler = {
    openTag(name, attrs) {
      const values: Record<string, string> = {};
      for (const a of attributeNames) {
        const value = attrs.get(a);
        if (value !== undefined) values[a] = value;
      }
      events.push(["open", name, values]);
      return true;
    },
    text(text) {
      const last = events[events.length - 1];
      if (Array.isArray(last) && last[0] === "text") last[1] += text;
      else events.push(["text", text]);
    },
    closeTag(name) {
      events.push(["close", name]);
    },
  };
  return { handler, events };
}

function tokenizerEvents(chunks: readonly Uint8Array[], attributeNames: readonly string[]): unknown[] {
  const { handler, events } = recorder(attributeNames);
  const tokenizer = new XmlTokenizer(handler);
  for (const chunk of chunks) tokenizer.write(chunk);
  tokenizer.close();
  return events;
}

describe("XML syntax", () => {
  const doc = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<!DOCTYPE r:root SYSTEM "x.dtd">\n<?pi some data?>\n` +
        `<r:root xmlns:r="urn:x" a="1 &amp; 2 &lt;&gt;&quot;&apos; &#65;&#x42;&#x1F600;&#10;" b='q"uote>' c="tab\tnl\ncrlf\r\ncr\rend" d="é€😀">\n` +
        `  text &amp; more é€😀 <![CDATA[ <raw> & ]] ]]> after\n` +
        `  <empty/><e x = "1" ></e >\n  line1\r\nline2\rline3\n  <!-- inner --><?inner pi?><r:x/>\n</r:root>\n<!-- trailing -->\n`,
    ),
  ]);
  const names = ["xmlns:r", "a", "b", "c", "d", "x"];

  it("gives saxes' events (entities, character references, CDATA, line ends, attribute normalisation)", () => {
    const { handler, events } = recorder(names);
    parseWithSaxes(handler, doc);
    expect(tokenizerEvents([doc], names)).toEqual(events);
    expect(events[0]).toEqual([
      "open",
      "r:root",
      {
        "xmlns:r": "urn:x",
        a: "1 & 2 <>\"' AB😀\n",
        b: 'q"uote>',
        c: "tab nl crlf cr end",
        d: "é€😀",
      },
    ]);
  });

  it("gives the same events at every chunk size (splits inside tags, values, entities and characters)", () => {
    const expected = tokenizerEvents([doc], names);
    for (let size = 1; size <= 24; size++) expect(tokenizerEvents(fixedChunks(doc, size), names)).toEqual(expected);
    for (let seed = 1; seed <= 20; seed++) expect(tokenizerEvents(randomChunks(doc, seed, 9), names)).toEqual(expected);
  });

  const malformed: Array<[string, string | Buffer, boolean?]> = [
    ["mismatched tags", "<a><b></a>"],
    ["an unclosed element", "<metadata><package>"],
    ["a truncated tag", '<a><b x="1'],
    ["a truncated name", "<a"],
    ["an empty document", ""],
    ["text that is not XML", "this is not xml"],
    ["text after the root", "<a/>trailing"],
    ["two roots", "<a/><b/>"],
    ["an end tag without start", "</a>"],
    ["a duplicate attribute", '<a x="1" x="2"/>'],
    ["'<' in an attribute value", '<a x="a<b"/>'],
    ["an unquoted attribute value", "<a x=1/>"],
    ["an attribute without value", "<a x/>"],
    ["attributes without space between", '<a x="1"y="2"/>'],
    ["an undefined entity", "<a>&foo;</a>"],
    ["an undefined entity in an attribute", '<a x="&foo;"/>'],
    ["an unterminated entity", "<a>&amp and more</a>"],
    ["a character reference to NUL", "<a>&#0;</a>"],
    ["a character reference beyond Unicode", "<a>&#x110000;</a>"],
    ["']]>' in text", "<a>x ]]> y</a>"],
    ["'--' in a comment", "<a><!-- a -- b --></a>"],
    ["an unterminated CDATA section", "<a><![CDATA[ x </a>"],
    ["an unterminated comment", "<a/><!-- x"],
    ["a misplaced XML declaration", '<a/><?xml version="1.0"?>'],
    ["a name starting with a digit", "<1a/>"],
    ["a control character in an attribute", '<a x="\u0001"/>'],
    ["a control character in text", "<a>x\u0001y</a>"],
    ["unknown markup", "<a><!FOO></a>"],
    ["binary garbage", Buffer.from([0x1f, 0x8c, 0x3c, 0x00, 0xff, 0x3e, 0x3c, 0x2f])],
    // saxes accepts an internal subset; grove refuses it, so no entity is ever declared or expanded.
    ["a DOCTYPE with an entity declaration", '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', false],
  ];

  for (const [what, input, saxesRejects = true] of malformed) {
    it(`rejects ${what} (XmlSyntaxError at every chunking${saxesRejects ? ", as saxes does" : ""})`, () => {
      const bytes = typeof input === "string" ? Buffer.from(input) : input;
      for (const chunks of [[bytes], fixedChunks(bytes, 1), fixedChunks(bytes, 3)]) {
        expect(() => tokenizerEvents(chunks, ["x"])).toThrow(XmlSyntaxError);
      }
      if (saxesRejects) {
        expect(() => new SaxesParser({ xmlns: false }).write(bytes.toString("utf8")).close()).toThrow();
      }
    });
  }

  it("reports malformed XML through feedXml as REPO_BAD_XML naming the repo, URL and byte offset", async () => {
    const parse = createPrimaryParser("r", "file:///x/primary.xml");
    const error = await feedXml(
      (async function* () {
        yield Buffer.from("<metadata><package><name>a</ar");
        yield Buffer.from("ch></package>");
      })(),
      parse.parser,
      { repoId: "r", url: "file:///x/primary.xml" },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isGroveError(error) && error.code).toBe("REPO_BAD_XML");
    expect((error as Error).message).toBe(
      'repo "r": file:///x/primary.xml: malformed XML: byte 26: end tag </arch> does not match <name>',
    );
  });
});
