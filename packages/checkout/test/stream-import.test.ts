/**
 * `assemble` from an http:// repository streams each package from the response straight into the store (no
 * file in the cache): a corrupt or truncated download gives an error naming the URL and leaves no commit or
 * ref for that package and no root; a broken connection is retried; only what the store lacks is requested.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { assemble, type GroveProgress, initGroveDir, openGroveDir } from "@grove/checkout";
import { addRepo } from "@grove/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTinyRepo, tinyRepoUnavailable } from "../../../test/helpers/tiny-rpm-repo.js";
import { TestServer } from "../../repo/test/http-server.js";

const skip = tinyRepoUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`stream-import.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`stream-import.test.ts skipped: ${skip}`);

describe.skipIf(skip !== undefined)("assemble over http streams packages into the store", () => {
  let work = "";
  let dir = "";
  let server: TestServer;
  const LIB = "lib-1-1.noarch.rpm";

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-stream-"));
    const repo = buildTinyRepo(
      path.join(work, "base"),
      [
        { name: "base", version: "1" },
        { name: "lib", version: "1", requires: ["base"] },
        { name: "app", version: "1", requires: ["lib >= 1"] },
      ],
      work,
    );
    server = new TestServer(repo);
    await server.start();
    dir = path.join(work, "grove");
    await initGroveDir(dir);
    await addRepo(dir, "base", server.url);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  const libRefs = async () => (await (await openGroveDir(dir)).listRefs("rpm/lib/")).map((r) => r.name);

  it("a corrupt download is an error naming the URL, with no commit, ref or root left for it", async () => {
    server.faults.set(LIB, { kind: "corrupt", times: 10 });
    const failure = await assemble(dir, "web", ["app"]).then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    server.faults.clear();
    expect(failure).toBeDefined();
    expect(failure?.message).toContain(`${server.url}Packages/${LIB}`);
    expect(failure?.code).toMatch(/^(REPO|RPM)_/);
    expect(await libRefs()).toEqual([]);
    expect(readdirSync(path.join(dir, "roots"))).toEqual([]);
    expect(readdirSync(path.join(dir, "cache")).filter((n) => n === "packages")).toEqual([]);
  });

  it("a truncated download is retried on a new request, and the root is then assembled", async () => {
    server.faults.set(LIB, { kind: "truncate", times: 1 });
    const before = server.count(LIB);
    const events: GroveProgress[] = [];
    const web = await assemble(dir, "web", ["app"], { onProgress: (e) => events.push(e) });
    server.faults.clear();
    expect(web.packages).toEqual(["base-1-1.noarch", "lib-1-1.noarch", "app-1-1.noarch"]);
    expect(server.count(LIB) - before).toBe(2);
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ type: "retry", nevra: "lib-1-1.noarch" });
    expect((retry as { message: string }).message).toContain(`${server.url}Packages/${LIB}`);
    expect(await libRefs()).toEqual(["rpm/lib/0:1-1.noarch"]);
  });

  it("a truncated download that stays truncated is an error naming the URL", async () => {
    const other = path.join(work, "grove2");
    await initGroveDir(other);
    await addRepo(other, "base", server.url);
    server.faults.set(LIB, { kind: "truncate", times: 100 });
    const failure = await assemble(other, "web", ["app"], {}).then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    server.faults.clear();
    expect(failure?.message).toContain(`${server.url}Packages/${LIB}`);
    expect(failure?.code).toBe("REPO_NETWORK");
    expect(await (await openGroveDir(other)).listRefs("rpm/lib/")).toEqual([]);
    expect(readdirSync(path.join(other, "roots"))).toEqual([]);
  }, 30_000);

  it("requests nothing the store already has", async () => {
    const before = server.requests.filter((p) => p.endsWith(".rpm")).length;
    const again = await assemble(dir, "web2", ["app"]);
    expect(again.downloaded).toEqual([]);
    expect(server.requests.filter((p) => p.endsWith(".rpm")).length).toBe(before);
  });

  it("fetches the largest packages first, whatever the install order", async () => {
    const repo = buildTinyRepo(
      path.join(work, "sized"),
      [
        { name: "small", version: "1" },
        { name: "medium", version: "1", requires: ["small"], padding: 200_000 },
        { name: "big", version: "1", requires: ["medium"], padding: 2_000_000 },
      ],
      work,
    );
    const sized = new TestServer(repo);
    await sized.start();
    try {
      const other = path.join(work, "grove-sized");
      await initGroveDir(other);
      await addRepo(other, "sized", sized.url);
      const imported: string[] = [];
      const root = await assemble(other, "sized", ["big"], {
        importConcurrency: 1,
        onProgress: (e) => {
          if (e.type === "import") imported.push(e.nevra);
        },
      });
      expect(root.packages).toEqual(["small-1-1.noarch", "medium-1-1.noarch", "big-1-1.noarch"]);
      expect(imported).toEqual(["big-1-1.noarch", "medium-1-1.noarch", "small-1-1.noarch"]);
      expect(sized.requests.filter((p) => p.endsWith(".rpm"))).toEqual([
        "/Packages/big-1-1.noarch.rpm",
        "/Packages/medium-1-1.noarch.rpm",
        "/Packages/small-1-1.noarch.rpm",
      ]);
    } finally {
      await sized.stop();
    }
  }, 60_000);
});
