/**
 * The judging logic of the root oracle test (`root-oracle.test.ts`), on small inputs: that a real difference is
 * caught and a documented one is not, and that `rpm -V` lines are read and judged as the docs say. Runs anywhere.
 */
import { describe, expect, it } from "vitest";
import { compareRoots } from "./helpers/root-differences.js";
import { parseVerifyOutput, verifyLineProblems } from "./helpers/root-rpm-verify.js";
import type { TreeEntry } from "./helpers/root-tree.js";

let nextIno = 1;
const file = (p: string, sha256: string, perm = 0o644, special = 0): TreeEntry => ({
  path: p,
  type: "file",
  perm,
  special,
  sha256,
  ino: nextIno++,
  nlink: 1,
});
const dir = (p: string, perm = 0o755): TreeEntry => ({
  path: p,
  type: "dir",
  perm,
  special: 0,
  ino: nextIno++,
  nlink: 2,
});
const tree = (...entries: TreeEntry[]): Map<string, TreeEntry> => new Map(entries.map((e) => [e.path, e]));

describe("compareRoots", () => {
  const reference = () =>
    tree(
      dir("/etc"),
      file("/etc/passwd", "aa"),
      dir("/usr"),
      dir("/usr/bin"),
      file("/usr/bin/su", "bb", 0o755, 0o4000),
    );
  const grove = () =>
    tree(
      dir("/etc"),
      file("/etc/passwd", "aa"),
      dir("/usr"),
      dir("/usr/etc"),
      file("/usr/etc/passwd", "aa"),
      dir("/usr/bin"),
      file("/usr/bin/su", "bb", 0o755),
    );

  it("accepts the /usr/etc mirror and setuid left off as documented", () => {
    const result = compareRoots(reference(), grove());
    expect(result.undocumented).toEqual([]);
    expect(result.identical).toBe(4);
    expect(result.documented.map((d) => d.path)).toEqual(["/usr/bin/su", "/usr/etc", "/usr/etc/passwd"]);
  });

  it("catches a content, mode or type difference and an undocumented extra path", () => {
    const mine = grove();
    mine.set("/usr/bin/su", file("/usr/bin/su", "cc", 0o755));
    mine.set("/etc/passwd", file("/etc/passwd", "aa", 0o600));
    mine.set("/usr/bin/extra", file("/usr/bin/extra", "dd"));
    const result = compareRoots(reference(), mine);
    expect(result.undocumented.map((d) => d.path)).toEqual([
      "/etc/passwd",
      "/usr/bin/extra",
      "/usr/bin/su",
      "/usr/etc/passwd",
    ]);
  });

  it("refuses an /etc that is a hard link to /usr/etc, and a mode bit other than setuid/setgid", () => {
    const mine = grove();
    const linked = mine.get("/usr/etc/passwd") as TreeEntry;
    mine.set("/etc/passwd", { ...(mine.get("/etc/passwd") as TreeEntry), ino: linked.ino });
    const ref = reference();
    ref.set("/usr/bin/su", file("/usr/bin/su", "bb", 0o755, 0o1000));
    const result = compareRoots(ref, mine);
    expect(result.undocumented.map((d) => d.path)).toEqual(["/usr/bin/su", "/usr/etc/passwd"]);
  });

  it("documents dnf's state only where it is listed, and only on the dnf side", () => {
    const ref = reference();
    ref.set("/var/lib/dnf/history.sqlite", file("/var/lib/dnf/history.sqlite", "ee"));
    const mine = grove();
    mine.set("/var/log/dnf.log", file("/var/log/dnf.log", "ff"));
    const result = compareRoots(ref, mine);
    expect(result.documented.map((d) => d.path)).toContain("/var/lib/dnf/history.sqlite");
    expect(result.undocumented.map((d) => d.path)).toEqual(["/var/log/dnf.log"]);
  });
});

describe("rpm -V output", () => {
  const text = [
    ".......T.  c /etc/debconf.conf",
    ".......T.    /usr/bin/debconf",
    ".M.....T.    /bin/su",
    "S.5....T.    /usr/bin/broken",
    "missing   g /var/log/ghost.log",
    "missing     /usr/bin/gone",
    "....L....    /usr/bin/link",
    "Unsatisfied dependencies for foo-1-1.x86_64:",
  ].join("\n");

  it("splits file lines from the rest, with flags, attribute and path", () => {
    const output = parseVerifyOutput(text);
    expect(output.other).toEqual(["Unsatisfied dependencies for foo-1-1.x86_64:"]);
    expect(output.files[0]).toEqual({ flags: ".......T.", attribute: "c", path: "/etc/debconf.conf" });
    expect(output.files[1]).toEqual({ flags: ".......T.", attribute: "", path: "/usr/bin/debconf" });
    expect(output.files[4]).toEqual({ flags: "missing", attribute: "g", path: "/var/log/ghost.log" });
  });

  it("allows mtime, setuid left off and missing ghosts; refuses size, digest, link and missing files", () => {
    const modes = new Map([
      ["/bin/su", { packaged: 0o104755, onDisk: 0o755 }],
      ["/usr/bin/wrong", { packaged: 0o100755, onDisk: 0o775 }],
    ]);
    const problems = parseVerifyOutput(text).files.flatMap((line) => verifyLineProblems(line, (p) => modes.get(p)));
    expect(problems).toEqual([
      "/usr/bin/broken: flag S (S.5....T.)",
      "/usr/bin/broken: flag 5 (S.5....T.)",
      "/usr/bin/gone is missing",
      "/usr/bin/link: flag L (....L....)",
    ]);
    const wrongMode = verifyLineProblems({ flags: ".M.......", attribute: "", path: "/usr/bin/wrong" }, (p) =>
      modes.get(p),
    );
    expect(wrongMode).toEqual(["/usr/bin/wrong: mode 775 on disk, 755 packaged"]);
  });
});
