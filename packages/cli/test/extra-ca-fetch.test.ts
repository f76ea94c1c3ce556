/** `extraCaFetch` and `cliFetch`: the certificate authorities of NODE_EXTRA_CA_CERTS, read at the first HTTPS request. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StaticHttp, serveStatic } from "../../../test/helpers/static-http.js";
import type { CliContext } from "../src/context.js";
import { cliFetch, EXTRA_CA_VARIABLE, extraCaFetch } from "../src/extra-ca-fetch.js";
import { makeTestCertificates, opensslUnavailable, type TestCertificates } from "./test-certificates.js";

const skip = opensslUnavailable();
if (skip !== undefined && process.env.CI) throw new Error(`extra-ca-fetch.test.ts cannot run: ${skip}`);
if (skip !== undefined) console.warn(`extra-ca-fetch.test.ts skipped: ${skip}`);

/** The code of the error a failed fetch rejected with (undici puts it on the cause). */
async function failureCode(request: Promise<Response>): Promise<string | undefined> {
  try {
    await request;
  } catch (err) {
    return ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
  }
  throw new Error("the request succeeded");
}

describe.skipIf(skip !== undefined)("extraCaFetch", () => {
  let work = "";
  let certs: TestCertificates;
  let https: StaticHttp;
  let http: StaticHttp;
  const hello = () => `${https.origin}/site/hello.txt`;

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), "grove-extra-ca-"));
    mkdirSync(path.join(work, "site"));
    writeFileSync(path.join(work, "site/hello.txt"), "hello\n");
    certs = makeTestCertificates(work);
    https = await serveStatic({ site: path.join(work, "site") }, certs);
    http = await serveStatic({ site: path.join(work, "site") });
  }, 60_000);
  afterAll(async () => {
    await https?.close();
    await http?.close();
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("trusts the file's authority for https: URLs, which the global fetch does not", async () => {
    expect(await failureCode(fetch(hello()))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    const warnings: string[] = [];
    const trusting = extraCaFetch(certs.caFile, (line) => warnings.push(line));
    expect(await (await trusting(hello())).text()).toBe("hello\n");
    expect(await (await trusting(new URL(hello()))).text()).toBe("hello\n");
    expect(await (await trusting(new Request(hello()))).text()).toBe("hello\n");
    expect(warnings).toEqual([]);
  });

  it("gives other URLs to the global fetch, without reading the file", async () => {
    const warnings: string[] = [];
    const trusting = extraCaFetch(path.join(work, "missing.pem"), (line) => warnings.push(line));
    expect(await (await trusting(`${http.origin}/site/hello.txt`)).text()).toBe("hello\n");
    expect(warnings).toEqual([]);
  });

  it("warns once about a file it cannot read, and then trusts Node's authorities alone", async () => {
    const missing = path.join(work, "missing.pem");
    const warnings: string[] = [];
    const trusting = extraCaFetch(missing, (line) => warnings.push(line));
    expect(await failureCode(trusting(hello()))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(await failureCode(trusting(hello()))).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    expect(warnings).toEqual([
      `grove: warning: ignoring extra certificates from ${missing} (NODE_EXTRA_CA_CERTS): ENOENT: no such file or directory, open '${missing}'\n`,
    ]);
  });

  it("warns about a file that holds no certificate", async () => {
    const junk = path.join(work, "junk.pem");
    writeFileSync(junk, "not a certificate\n");
    const warnings: string[] = [];
    expect(await failureCode(extraCaFetch(junk, (line) => warnings.push(line))(hello()))).toBe(
      "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    );
    expect(warnings).toEqual([
      `grove: warning: ignoring extra certificates from ${junk} (NODE_EXTRA_CA_CERTS): no PEM certificate in it\n`,
    ]);
  });
});

describe("cliFetch", () => {
  const context = (env: Record<string, string>): CliContext => ({
    stdout: () => undefined,
    stderr: () => undefined,
    env,
    homeDir: "/nonexistent",
  });

  it("is the global fetch unless the launcher handed NODE_EXTRA_CA_CERTS over", () => {
    expect(cliFetch(context({}))).toBeUndefined();
    expect(cliFetch(context({ [EXTRA_CA_VARIABLE]: "" }))).toBeUndefined();
    expect(cliFetch(context({ NODE_EXTRA_CA_CERTS: "/etc/ssl/extra.pem" }))).toBeUndefined();
  });

  it("is one fetch per context when it was handed over", () => {
    const ctx = context({ [EXTRA_CA_VARIABLE]: "/etc/ssl/extra.pem" });
    const first = cliFetch(ctx);
    expect(typeof first).toBe("function");
    expect(cliFetch(ctx)).toBe(first);
    expect(cliFetch(context({ [EXTRA_CA_VARIABLE]: "/etc/ssl/extra.pem" }))).not.toBe(first);
  });
});
