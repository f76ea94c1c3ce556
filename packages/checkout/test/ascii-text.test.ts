/** `readTextFile` and `asciiJson`: cache files written in ASCII and read back as the same strings. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asciiJson, readTextFile } from "../src/store/ascii-text.js";

const work = mkdtempSync(path.join(tmpdir(), "grove-ascii-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("asciiJson and readTextFile", () => {
  it("write any string as ASCII JSON that parses back to the same value", () => {
    const value = { path: "/usr/share/locale/fr/Café ☕ 𝄞.mo", plain: "/usr/bin/bash", nested: ["ü", { k: "日本" }] };
    const text = asciiJson(value);
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(text).toContain("\\u00e9");
    expect(JSON.parse(text)).toEqual(value);
    expect(asciiJson({ a: 1 })).toBe(JSON.stringify({ a: 1 }));
  });

  it("read an ASCII file and a UTF-8 file as the strings they hold", () => {
    const ascii = path.join(work, "ascii.json");
    const utf8 = path.join(work, "utf8.json");
    const value = { path: "/etc/Café 𝄞" };
    writeFileSync(ascii, `${asciiJson(value)}\n`);
    writeFileSync(utf8, `${JSON.stringify(value)}\n`);
    expect(JSON.parse(readTextFile(ascii))).toEqual(value);
    // A file written before (raw UTF-8) still reads right.
    expect(readTextFile(utf8)).toBe(`${JSON.stringify(value)}\n`);
  });
});
