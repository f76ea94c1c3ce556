/**
 * rpm's rules for assembling one tree from several packages: shared and conflicting paths, directory
 * symlinks resolved inside the root (never escaping it), ghosts, special files, hard links.
 */
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type CheckoutCommit, checkoutCommits, readCommitsForCheckout, removeTree } from "@grove/checkout";
import { type ImportEntry, importEntries, initStore, isGroveError, type Store } from "@grove/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let work: string;
let store: Store;

beforeEach(async () => {
  work = mkdtempSync(path.join(tmpdir(), "grove-checkout-rules-"));
  store = await initStore(path.join(work, "grove"));
});
afterEach(() => removeTree(work));

type Spec = Partial<ImportEntry> & { path: string; type: ImportEntry["type"]; text?: string };

/** Imports one synthetic package; entries default to root-owned, 0644 files / 0755 dirs / 0777 symlinks. */
async function pkg(label: string, specs: Spec[]): Promise<CheckoutCommit> {
  const entries: ImportEntry[] = specs.map(({ text, ...e }) => ({
    uid: 0,
    gid: 0,
    user: "root",
    group: "root",
    mode: e.type === "dir" ? 0o755 : e.type === "symlink" ? 0o777 : 0o644,
    ...e,
    ...(text === undefined ? {} : { content: Buffer.from(text) }),
  }));
  const r = await importEntries(store, entries, { metadata: { label } });
  const [commit] = readCommitsForCheckout(store, [r.commitId]);
  return { id: r.commitId, commit: commit!, label };
}

function checkout(commits: CheckoutCommit[], options: Parameters<typeof checkoutCommits>[3] = {}) {
  return checkoutCommits(store, commits, path.join(work, "root"), options);
}

function conflictOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isGroveError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("expected a GroveError");
}

const root = (p = "") => path.join(work, "root", p);

describe("shared paths", () => {
  it("accepts identical files and directories in several packages", async () => {
    const a = await pkg("a-1", [
      { path: "/usr/share/x", type: "dir" },
      { path: "/usr/share/x/same", type: "file", text: "same\n" },
    ]);
    const b = await pkg("b-1", [
      { path: "/usr/share/x", type: "dir" },
      { path: "/usr/share/x/same", type: "file", text: "same\n" },
      { path: "/usr/share/x/link", type: "symlink", linkTo: "same" },
    ]);
    const c = await pkg("c-1", [{ path: "/usr/share/x/link", type: "symlink", linkTo: "same", mode: 0o755 }]);
    const r = checkout([a, b, c], { layout: "plain" });
    expect(readFileSync(root("usr/share/x/same"), "utf8")).toBe("same\n");
    expect(readlinkSync(root("usr/share/x/link"))).toBe("same");
    expect(r.stats.shared).toBeGreaterThanOrEqual(3);
  });

  it("refuses different content, modes, owners, types and symlink targets, naming both packages", async () => {
    const cases: Array<[Spec, Spec, string]> = [
      [{ path: "/f", type: "file", text: "one" }, { path: "/f", type: "file", text: "two" }, "different content"],
      [
        { path: "/f", type: "file", text: "x" },
        { path: "/f", type: "file", text: "x", mode: 0o755 },
        "mode 0644 vs 0755",
      ],
      [{ path: "/f", type: "file", text: "x" }, { path: "/f", type: "file", text: "x", user: "bin" }, "owner"],
      [
        { path: "/f", type: "file", text: "x" },
        { path: "/f", type: "symlink", linkTo: "y" },
        "a file in one package and a symlink",
      ],
      [
        { path: "/f", type: "symlink", linkTo: "a" },
        { path: "/f", type: "symlink", linkTo: "b" },
        "symlink to a vs to b",
      ],
      [{ path: "/f", type: "dir" }, { path: "/f", type: "file", text: "x" }, "a dir in one package and a file"],
    ];
    for (const [one, two, what] of cases) {
      const a = await pkg("alpha-1.0-1.noarch", [one]);
      const b = await pkg("beta-2.0-1.noarch", [two]);
      const err = conflictOf(() => checkout([a, b], { layout: "plain" }));
      expect(err.code).toBe("CHECKOUT_FILE_CONFLICT");
      expect(err.message).toContain("/f conflicts between alpha-1.0-1.noarch and beta-2.0-1.noarch");
      expect(err.message).toContain(what);
      expect(existsSync(root())).toBe(false);
    }
  });

  it("lets the first package's directory mode win, with a warning", async () => {
    const a = await pkg("a-1", [{ path: "/srv/data", type: "dir", mode: 0o750 }]);
    const b = await pkg("b-1", [{ path: "/srv/data", type: "dir", mode: 0o755 }]);
    const r = checkout([a, b], { layout: "plain" });
    expect(statSync(root("srv/data")).mode & 0o7777).toBe(0o750);
    expect(r.warnings).toEqual([expect.objectContaining({ kind: "dir-metadata", path: "/srv/data" })]);
    expect(r.warnings[0]!.message).toMatch(/a-1 and b-1 .*a-1's is used/);
  });

  it("never creates ghosts and never lets them conflict", async () => {
    const a = await pkg("a-1", [{ path: "/var/log/x.log", type: "file", flags: 64, mode: 0o600 }]);
    const b = await pkg("b-1", [{ path: "/var/log/x.log", type: "file", text: "real\n" }]);
    const c = await pkg("c-1", [{ path: "/run/ghost", type: "file", flags: 64 }]);
    const r = checkout([a, b, c], { layout: "plain" });
    expect(readFileSync(root("var/log/x.log"), "utf8")).toBe("real\n");
    expect(existsSync(root("run/ghost"))).toBe(false);
    expect(r.stats.ghosts).toBe(1);
  });

  it("skips device nodes, FIFOs and sockets and lists them in the manifest with owners and setuid bits", async () => {
    const a = await pkg("dev-1", [
      { path: "/dev/null", type: "chardev", rdev: 259, mode: 0o666 },
      { path: "/dev/initctl", type: "fifo", mode: 0o600 },
      { path: "/usr/bin/su", type: "file", text: "su", mode: 0o4755 },
      { path: "/var/lib/x", type: "dir", mode: 0o750, user: "daemon", group: "daemon", uid: 65534, gid: 65534 },
      { path: "/etc/passwd", type: "file", text: "root:x:0:0::/root:/bin/sh\ndaemon:x:2:2::/:/sbin/nologin\n" },
      { path: "/etc/group", type: "file", text: "root:x:0:\ndaemon:x:2:\n" },
    ]);
    const r = checkout([a]);
    expect(existsSync(root("dev/null"))).toBe(false);
    expect(existsSync(root("dev/initctl"))).toBe(false);
    expect(r.stats.specialSkipped).toBe(2);
    expect(r.warnings.filter((w) => w.kind === "special-file-skipped")).toHaveLength(2);
    expect(statSync(root("usr/bin/su")).mode & 0o7777).toBe(0o755);
    const byPath = new Map(r.manifest.map((m) => [m.path, m]));
    expect(byPath.get("/dev/null")).toMatchObject({ type: "chardev", rdev: 259, skipped: true });
    expect(byPath.get("/usr/bin/su")).toMatchObject({ mode: 0o4755, uid: 0 });
    expect(byPath.get("/var/lib/x")).toMatchObject({ user: "daemon", uid: 2, gid: 2 });
  });

  it("links hard-link sets to one object", async () => {
    const a = await pkg("a-1", [
      { path: "/usr/bin/gzip", type: "file", text: "gz", mode: 0o755 },
      { path: "/usr/bin/gunzip", type: "hardlink", linkTo: "/usr/bin/gzip", mode: 0o755 },
    ]);
    checkout([a], { layout: "plain" });
    expect(statSync(root("usr/bin/gzip")).ino).toBe(statSync(root("usr/bin/gunzip")).ino);
  });
});

describe("paths through the tree's own symlinks", () => {
  it("puts /lib/x into /usr/lib when a package makes /lib a symlink, and checks conflicts there", async () => {
    const fs = await pkg("filesystem-1", [
      { path: "/usr/lib", type: "dir" },
      { path: "/lib", type: "symlink", linkTo: "usr/lib" },
      { path: "/lib64", type: "symlink", linkTo: "/usr/lib" },
    ]);
    const a = await pkg("a-1", [
      { path: "/lib", type: "dir" },
      { path: "/lib/libfoo.so", type: "file", text: "foo" },
      { path: "/lib64/deep/libbar.so", type: "file", text: "bar" },
    ]);
    const r = checkout([fs, a], { layout: "plain" });
    expect(lstatSync(root("lib")).isSymbolicLink()).toBe(true);
    expect(readFileSync(root("usr/lib/libfoo.so"), "utf8")).toBe("foo");
    expect(readFileSync(root("usr/lib/deep/libbar.so"), "utf8")).toBe("bar");
    expect(r.warnings).toEqual([expect.objectContaining({ kind: "dir-replaced-by-symlink", path: "/lib" })]);

    const b = await pkg("b-1", [{ path: "/usr/lib/libfoo.so", type: "file", text: "other" }]);
    removeTree(root());
    const err = conflictOf(() => checkout([fs, a, b], { layout: "plain" }));
    expect(err.code).toBe("CHECKOUT_FILE_CONFLICT");
    expect(err.message).toContain("/usr/lib/libfoo.so conflicts between a-1 and b-1");
  });

  it("resolves symlinks below symlinks, whatever the package order", async () => {
    const a = await pkg("a-1", [{ path: "/opt/app/lib/x", type: "file", text: "x" }]);
    const b = await pkg("b-1", [{ path: "/opt/app", type: "symlink", linkTo: "../srv/app" }]);
    const c = await pkg("c-1", [{ path: "/srv", type: "symlink", linkTo: "data" }]);
    checkout([a, b, c], { layout: "plain" });
    expect(readFileSync(root("data/app/lib/x"), "utf8")).toBe("x");
  });

  it("keeps every path inside the root: .. and absolute symlinks are resolved against the root", async () => {
    const outside = path.join(work, "outside");
    // The store refuses entries below a symlink within one commit, so the links and the files come in two packages.
    const links = await pkg("links-1", [
      { path: "/up", type: "symlink", linkTo: "../../../../../../.." },
      { path: "/abs", type: "symlink", linkTo: outside },
      { path: "/tmpl", type: "symlink", linkTo: "/tmp" },
      { path: "/a/b", type: "symlink", linkTo: "/../../etc/.." },
    ]);
    const files = await pkg("files-1", [
      { path: "/up/escaped-dotdot", type: "file", text: "1" },
      { path: "/abs/escaped-absolute", type: "file", text: "2" },
      { path: "/tmpl/escaped-tmp", type: "file", text: "3" },
      { path: "/a/b/escaped-root", type: "file", text: "4" },
    ]);
    const before = readdirSync(work).sort();
    checkout([links, files], { layout: "plain" });
    expect(readdirSync(work).sort()).toEqual(before.includes("root") ? before : [...before, "root"].sort());
    expect(existsSync(outside)).toBe(false);
    expect(existsSync("/tmp/escaped-tmp")).toBe(false);
    expect(readFileSync(root("escaped-dotdot"), "utf8")).toBe("1");
    expect(readFileSync(root(`${outside}/escaped-absolute`), "utf8")).toBe("2");
    expect(readFileSync(root("tmp/escaped-tmp"), "utf8")).toBe("3");
    expect(readFileSync(root("escaped-root"), "utf8")).toBe("4");
    // The symlinks themselves are kept verbatim.
    expect(readlinkSync(root("abs"))).toBe(outside);
  });

  it("reports symlink loops instead of hanging", async () => {
    const a = await pkg("loop-1", [
      { path: "/a", type: "symlink", linkTo: "b" },
      { path: "/b", type: "symlink", linkTo: "a" },
    ]);
    const b = await pkg("below-1", [{ path: "/a/x", type: "file", text: "x" }]);
    expect(conflictOf(() => checkout([a, b], { layout: "plain" })).code).toBe("CHECKOUT_SYMLINK_LOOP");
    expect(existsSync(root())).toBe(false);
  });

  it("refuses a path below another package's file", async () => {
    const a = await pkg("a-1", [{ path: "/opt/tool", type: "file", text: "bin" }]);
    const b = await pkg("b-1", [{ path: "/opt/tool/share", type: "file", text: "data" }]);
    const err = conflictOf(() => checkout([a, b], { layout: "plain" }));
    expect(err.code).toBe("CHECKOUT_FILE_CONFLICT");
    expect(err.message).toContain("/opt/tool is a file in a-1");
  });
});

describe("another file system", () => {
  const shm = "/dev/shm";
  const otherDevice = existsSync(shm) && statSync(shm).dev !== statSync(tmpdir()).dev;
  it.skipIf(!otherDevice)(
    "copies instead of linking when the root is on another file system (EXDEV), and says so",
    async () => {
      const a = await pkg("a-1", [
        { path: "/usr/bin/one", type: "file", text: "1", mode: 0o755 },
        { path: "/usr/bin/two", type: "file", text: "2", mode: 0o700 },
      ]);
      const dest = mkdtempSync(path.join(shm, "grove-checkout-exdev-"));
      try {
        const r = checkoutCommits(store, [a], path.join(dest, "root"), { layout: "plain" });
        expect(r.stats).toMatchObject({ linked: 0, copiedFallback: 2 });
        expect(r.warnings.filter((w) => w.kind === "copied-instead-of-linked")).toHaveLength(1);
        expect(readFileSync(path.join(dest, "root/usr/bin/two"), "utf8")).toBe("2");
        expect(statSync(path.join(dest, "root/usr/bin/two")).mode & 0o7777).toBe(0o700);
      } finally {
        removeTree(dest);
      }
    },
  );
});

describe("container layout", () => {
  it("links /etc into /usr/etc, copies it to /etc and copies /var, keeping modes", async () => {
    const a = await pkg("a-1", [
      { path: "/etc/app.conf", type: "file", text: "conf\n", flags: 17 },
      { path: "/etc/shadow", type: "file", text: "secret\n", mode: 0 },
      { path: "/etc/alias", type: "symlink", linkTo: "app.conf" },
      { path: "/var/lib/app/state", type: "file", text: "s\n", mode: 0o600 },
      { path: "/usr/bin/app", type: "file", text: "bin", mode: 0o755 },
    ]);
    const r = checkout([a]);
    const object = (text: string, perm: number) => {
      const sha = r.entries.get("/etc/app.conf")!.entry.object!;
      return text === "conf\n" ? statSync(store.objectPath(sha, perm)).ino : 0;
    };
    expect(statSync(root("usr/etc/app.conf")).ino).toBe(object("conf\n", 0o644));
    expect(statSync(root("etc/app.conf")).ino).not.toBe(object("conf\n", 0o644));
    expect(statSync(root("etc/app.conf")).nlink).toBe(1);
    expect(readFileSync(root("etc/app.conf"), "utf8")).toBe("conf\n");
    expect(statSync(root("etc/shadow")).mode & 0o777).toBe(0);
    expect(readlinkSync(root("etc/alias"))).toBe("app.conf");
    expect(statSync(root("var/lib/app/state")).nlink).toBe(1);
    expect(statSync(root("var/lib/app/state")).mode & 0o777).toBe(0o600);
    expect(statSync(root("usr/bin/app")).nlink).toBe(2);
    expect(r.stats).toMatchObject({ linked: 3, copied: 3, symlinks: 2 });
  });
});
