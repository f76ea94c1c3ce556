import { describe, expect, it } from "vitest";
import { compareUtf8, encodeCanonicalJson } from "../src/store/canonical-json.js";

describe("encodeCanonicalJson", () => {
  it("sorts keys, drops undefined and writes no whitespace", () => {
    expect(encodeCanonicalJson({ b: 1, a: [true, null, "x"], c: undefined, n: { z: 0, y: -0 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"n":{"y":0,"z":0}}',
    );
  });

  it("orders keys by UTF-8 bytes, not UTF-16 code units", () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 ...), though its UTF-16 unit is larger.
    const a = "\uff5e";
    const b = "\u{1f600}";
    expect(compareUtf8(a, b)).toBeLessThan(0);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBeLessThan(0);
    expect(encodeCanonicalJson({ [b]: 1, [a]: 2 })).toBe(`{"${a}":2,"${b}":1}`);
  });

  it("rejects values JSON cannot carry exactly", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, [undefined], 1n, new Date(0), new Uint8Array(1)]) {
      expect(() => encodeCanonicalJson({ k: bad }, "metadata")).toThrow(
        expect.objectContaining({ code: "STORE_BAD_JSON" }),
      );
    }
  });

  it("names where the bad value is, down through keys and indexes", () => {
    const value = { entries: [{ path: "/a" }, { path: "/b", size: Number.NaN }] };
    expect(() => encodeCanonicalJson(value, "commit")).toThrow(
      expect.objectContaining({
        code: "STORE_BAD_JSON",
        subject: "commit.entries[1].size",
        message: "commit.entries[1].size: the number NaN cannot be written as JSON",
      }),
    );
    expect(() => encodeCanonicalJson({ list: [1, undefined] }, "metadata")).toThrow(
      expect.objectContaining({ message: "metadata.list[1]: undefined is not a JSON value" }),
    );
    expect(() => encodeCanonicalJson([{ when: new Date(0) }])).toThrow(
      expect.objectContaining({ message: "value[0].when: a Date object is not a JSON value" }),
    );
  });
});
