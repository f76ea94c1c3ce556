/** The worked example of docs/design.md (store format, section 3.3), byte for byte: if this fails, fix the document too. */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { importEntries, initStore } from "@grove/core";
import { expect, it } from "vitest";
import { tempDir } from "./helpers/temp-dir.js";

it("writes exactly the files and bytes the design document shows", async () => {
  const store = await initStore(await tempDir());
  const result = await importEntries(
    store,
    [
      { path: "./usr/bin", type: "dir", mode: 0o755, uid: 0, gid: 0 },
      {
        path: "usr/bin/hello",
        type: "file",
        mode: 0o104755,
        uid: 0,
        gid: 0,
        user: "root",
        group: "root",
        content: Buffer.from("hi\n"),
      },
      {
        path: "/usr/bin/hi",
        type: "hardlink",
        mode: 0o4755,
        uid: 0,
        gid: 0,
        user: "root",
        group: "root",
        linkTo: "/usr/bin/hello",
      },
      { path: "/usr/bin/sh", type: "symlink", mode: 0o777, uid: 0, gid: 0, linkTo: "bash" },
    ],
    { metadata: { kind: "example" }, ref: "example/hello" },
  );
  const id = "9c819f51b6cb36689b3245748d2eebb095e67144ddf828296d2635a16add0cd6";
  const object = "objects/98/98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4.0755";
  expect(result.commitId).toBe(id);
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(store.dir, rel), { withFileTypes: true })) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(r);
      else files.push(r);
    }
  };
  await walk("");
  expect(files.sort()).toEqual([`commits/9c/${id}.json`, object, "refs/example/hello", "store.json"]);
  expect(await readFile(path.join(store.dir, "refs/example/hello"), "utf8")).toBe(`${id}\n`);
  expect((await stat(path.join(store.dir, object))).mode & 0o7777).toBe(0o755);
  const doc = await readFile(path.resolve(import.meta.dirname, "../../../docs/design.md"), "utf8");
  const commitText = await readFile(path.join(store.dir, `commits/9c/${id}.json`), "utf8");
  expect(commitText.length).toBe(589);
  expect(doc).toContain(`\n${commitText}\n`);
});
