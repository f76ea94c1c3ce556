import { describe, expect, it } from "vitest";
import { resolveStoreDir } from "../src/store-dir.js";

describe("resolveStoreDir", () => {
  const homeDir = "/home/alice";

  it("prefers --store, made absolute", () => {
    const env = { GROVE_STORE: "/env/store", XDG_DATA_HOME: "/xdg" };
    expect(resolveStoreDir("/opt/store", { env, homeDir })).toBe("/opt/store");
    expect(resolveStoreDir("rel/store", { env, homeDir })).toBe(`${process.cwd()}/rel/store`);
  });

  it("then GROVE_STORE", () => {
    expect(resolveStoreDir(undefined, { env: { GROVE_STORE: "/env/store", XDG_DATA_HOME: "/xdg" }, homeDir })).toBe(
      "/env/store",
    );
  });

  it("then $XDG_DATA_HOME/grove, ignoring a relative XDG_DATA_HOME as the XDG spec says", () => {
    expect(resolveStoreDir(undefined, { env: { XDG_DATA_HOME: "/xdg" }, homeDir })).toBe("/xdg/grove");
    expect(resolveStoreDir(undefined, { env: { XDG_DATA_HOME: "relative" }, homeDir })).toBe(
      "/home/alice/.local/share/grove",
    );
  });

  it("else ~/.local/share/grove; empty variables count as unset", () => {
    expect(resolveStoreDir(undefined, { env: {}, homeDir })).toBe("/home/alice/.local/share/grove");
    expect(resolveStoreDir("", { env: { GROVE_STORE: "", XDG_DATA_HOME: "" }, homeDir })).toBe(
      "/home/alice/.local/share/grove",
    );
  });
});
