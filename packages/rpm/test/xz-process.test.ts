/**
 * The two xz decoders: the system `xz` process (used when there is one) and lzma-native (the fallback) give
 * byte-identical output on real package payloads, and map cut or damaged streams to the same GroveErrors.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { isGroveError } from "@grove/core";
import { describe, expect, it } from "vitest";
import { unxzWithLzmaNative } from "../src/payload/decoders/xz.js";
import { unxzWithProcess, xzProgram } from "../src/payload/decoders/xz-process.js";
import { decoderError } from "../src/payload/decompress.js";

const repoRoot = path.resolve(import.meta.dirname, "../../..");
const realRpms = path.resolve(repoRoot, "../shared/fixtures/real-rpms");
const program = xzProgram();
const missing =
  program === undefined ? "no xz program on PATH" : existsSync(realRpms) ? undefined : `${realRpms} is missing`;
if (missing !== undefined && process.env.CI) throw new Error(`xz-process.test.ts cannot run: ${missing}`);
if (missing !== undefined) console.warn(`xz-process.test.ts skipped: ${missing}`);

/** Real xz-compressed packages of the shared fixtures (the largest ones: many blocks, real data). */
const PACKAGES = [
  "rpmlint/binutils-devel-2.32-351.1.x86_64.rpm",
  "rpmlint/dovecot-2.2.9-1.fc20.x86_64.rpm",
  "rpmlint/autofs-5.0.7-28.fc19.i686.rpm",
  "createrepo_c/fedora/iok-1.3.11-1.fc14.i686.rpm",
];
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/** The xz payload of a package: from the xz magic after the headers to the end of the file. */
function payloadOf(file: string): Buffer {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(XZ_MAGIC, 96);
  expect(at).toBeGreaterThan(0);
  return bytes.subarray(at);
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function digestOf(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest("hex"), size };
}

const viaProcess = (input: AsyncIterable<Uint8Array>, format: "xz" | "lzma" = "xz") =>
  unxzWithProcess(input, format, program as string, 512 << 20);

describe.skipIf(missing !== undefined)("xz through the xz process and through lzma-native", () => {
  for (const name of PACKAGES) {
    it(`decode ${path.basename(name)} identically (and as xz -dc does)`, async () => {
      const payload = payloadOf(path.join(realRpms, name));
      const native = await digestOf(unxzWithLzmaNative(inChunks(payload, 65536), "xz"));
      const piped = await digestOf(viaProcess(inChunks(payload, 1 << 20)));
      expect(piped).toEqual(native);
      const oracle = execFileSync("xz", ["-dc"], { input: payload, maxBuffer: 256 << 20 });
      expect(piped).toEqual({ sha256: createHash("sha256").update(oracle).digest("hex"), size: oracle.length });
    });
  }

  it("decode LZMA-alone streams identically", async () => {
    const data = Buffer.from("usr/share/doc/grove/README\n".repeat(40000));
    const alone = execFileSync("xz", ["--format=lzma", "-c"], { input: data });
    const native = await digestOf(unxzWithLzmaNative(inChunks(alone, 4096), "lzma"));
    const piped = await digestOf(viaProcess(inChunks(alone, 4096), "lzma"));
    expect(piped).toEqual(native);
    expect(piped.size).toBe(data.length);
  });

  it("map a cut stream to RPM_TRUNCATED and a damaged one to RPM_PAYLOAD_CORRUPT, both ways", async () => {
    const payload = payloadOf(path.join(realRpms, PACKAGES[2] as string));
    const cut = payload.subarray(0, Math.floor(payload.length * 0.6));
    const damaged = Buffer.from(payload);
    damaged.fill(0xa5, 200, 400);
    for (const decode of [viaProcess, (input: AsyncIterable<Uint8Array>) => unxzWithLzmaNative(input, "xz")]) {
      const codes: string[] = [];
      for (const input of [cut, damaged]) {
        try {
          await digestOf(decode(inChunks(input, 65536)));
          codes.push("none");
        } catch (err) {
          const mapped = decoderError(err, "xz", "t.rpm");
          expect(isGroveError(mapped), String(err)).toBe(true);
          codes.push((mapped as { code: string }).code);
        }
      }
      expect(codes).toEqual(["RPM_TRUNCATED", "RPM_PAYLOAD_CORRUPT"]);
    }
  });

  it("rethrow an error of the input as it is, and stop the process when the consumer stops early", async () => {
    const payload = payloadOf(path.join(realRpms, PACKAGES[0] as string));
    const failing = async function* () {
      yield payload.subarray(0, 100_000);
      throw new Error("the source broke");
    };
    await expect(digestOf(viaProcess(failing()))).rejects.toThrow("the source broke");
    const decoder = viaProcess(inChunks(payload, 65536));
    expect((await decoder.next()).done).toBe(false);
    await decoder.return(undefined);
    expect((await decoder.next()).done).toBe(true);
  });

  it("say xz cannot be run when the program is missing", async () => {
    const decoder = unxzWithProcess(inChunks(Buffer.alloc(10), 10), "xz", "/nonexistent/xz", 1 << 20);
    const err = await digestOf(decoder).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(decoderError(err, "xz", "t.rpm")).toMatchObject({ code: "RPM_PAYLOAD_DECOMPRESSOR_UNAVAILABLE" });
  });
});
