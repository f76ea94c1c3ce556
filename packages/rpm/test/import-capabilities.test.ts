/**
 * FILECAPS text -> `security.capability` bytes. Expected values are what libcap's `setcap` wrote on
 * Debian 12 (read back with os.getxattr); where `setcap` and python3 work here, they are re-checked live.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { capabilityXattr, encodeVfsCapV2, parseCapabilityText } from "../src/import/file-capabilities.js";

const CASES: Array<[string, string]> = [
  ["=", "0000000200000000000000000000000000000000"],
  ["cap_sys_ptrace,cap_sys_admin=ep", "0100000200002800000000000000000000000000"],
  ["cap_net_raw=p cap_chown+i", "0000000200200000010000000000000000000000"],
  ["cap_net_raw=ep", "0100000200200000000000000000000000000000"],
  ["all=ep", "01000002ffffffff00000000ff01000000000000"],
  ["cap_checkpoint_restore=eip", "0100000200000000000000000001000000010000"],
  ["= cap_net_admin,cap_net_raw+ep", "0100000200300000000000000000000000000000"],
  ["cap_net_raw+pi cap_net_raw+e", "0100000200200000002000000000000000000000"],
];

function liveSetcap(text: string): string | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), "grove-caps-"));
  try {
    const file = path.join(dir, "f");
    writeFileSync(file, "x");
    execFileSync("setcap", [text, file], { stdio: "pipe" });
    return execFileSync("python3", [
      "-c",
      "import os,sys;print(os.getxattr(sys.argv[1],'security.capability').hex())",
      file,
    ])
      .toString()
      .trim();
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("file capabilities", () => {
  it.each(CASES)("encodes %s as setcap does", (text, hex) => {
    expect(Buffer.from(encodeVfsCapV2(parseCapabilityText(text, "f"))).toString("hex")).toBe(hex);
    const live = liveSetcap(text);
    if (live !== undefined) expect(live).toBe(hex);
  });

  it("gives no xattr for an empty text and names the file for bad text", () => {
    expect(capabilityXattr("", "f")).toBeUndefined();
    expect(capabilityXattr("cap_net_raw=ep", "f")).toBe(
      Buffer.from("0100000200200000000000000000000000000000", "hex").toString("base64"),
    );
    expect(() => parseCapabilityText("cap_bogus=ep", "pkg.rpm:/usr/bin/x")).toThrow(
      expect.objectContaining({ code: "RPM_BAD_CAPABILITY", message: expect.stringContaining("pkg.rpm:/usr/bin/x") }),
    );
    expect(() => parseCapabilityText("cap_chown=ex", "f")).toThrow(
      expect.objectContaining({ code: "RPM_BAD_CAPABILITY" }),
    );
    // libcap (and so rpm) refuses an effective set that is neither empty nor permitted|inheritable.
    expect(() => parseCapabilityText("cap_net_admin,cap_net_raw=ep cap_net_raw-e", "f")).toThrow(
      expect.objectContaining({ code: "RPM_BAD_CAPABILITY", message: expect.stringContaining("effective") }),
    );
    expect(() => parseCapabilityText("cap_chown", "f")).toThrow(
      expect.objectContaining({ code: "RPM_BAD_CAPABILITY" }),
    );
  });
});
