/** `checkWritePart`: what a checkout recipe's parts may hold before a thread writes them. */
import { describe, expect, it } from "vitest";
import { checkWritePart } from "../src/write/write-part-json.js";

const OBJECT = `ab/ab${"0".repeat(62)}.0644`;
const file = (path: string, object = OBJECT) => ({ index: 0, kind: "file", path, object, mode: 0o644, size: 1 });

describe("checkWritePart", () => {
  it("accepts directories, files, symlinks and special files inside the root", () => {
    const part = {
      dirs: [
        { path: "/usr", created: 0o755 },
        { path: "/caf\u00e9", latin1: true, created: 0o1777 },
      ],
      nodes: [
        file("/usr/bin/sh"),
        { index: 1, kind: "symlink", path: "/bin", linkTo: "usr/bin" },
        { index: 2, kind: "symlink", path: "/usr/lib64/x", linkTo: "../../etc/x" },
        { index: 3, kind: "special", path: "/dev/null", type: "chardev" },
        file("/etc/..conf"),
      ],
    };
    expect(checkWritePart(part, "r.json")).toBe(part);
  });

  it.each([
    ["a relative path", file("usr/bin/sh")],
    ["a .. component", file("/usr/../../etc/passwd")],
    ["a trailing ..", file("/usr/..")],
    ["a . component", file("/usr/./bin")],
    ["an empty component", file("/usr//bin")],
    ["the root itself", file("/")],
    ["a NUL byte", file("/usr/bin\0x")],
    ["an object outside objects/", file("/usr/bin/sh", `../ab${"0".repeat(62)}.0644`)],
    ["an object in the wrong fan-out directory", file("/usr/bin/sh", `cd/ab${"0".repeat(62)}.0644`)],
    ["an object with a bad mode suffix", file("/usr/bin/sh", `ab/ab${"0".repeat(62)}.0944`)],
    ["a symlink without a target", { index: 0, kind: "symlink", path: "/x", linkTo: "" }],
    ["an unknown kind", { index: 0, kind: "fifo", path: "/x" }],
    ["a mode out of range", { ...file("/x"), mode: 0o17777 }],
  ])("rejects %s, naming the file", (_what, node) => {
    expect(() => checkWritePart({ dirs: [], nodes: [node] }, "cache/checkouts/k.json")).toThrow(
      /^cache\/checkouts\/k\.json: bad node op/,
    );
  });

  it("rejects a directory outside the root and a part without its lists", () => {
    expect(() => checkWritePart({ dirs: [{ path: "/../x", created: 0o755 }], nodes: [] }, "r")).toThrow(
      /bad directory op/,
    );
    expect(() => checkWritePart({ dirs: [] }, "r")).toThrow(/not a write part/);
    expect(() => checkWritePart(null, "r")).toThrow(/not a write part/);
  });
});
