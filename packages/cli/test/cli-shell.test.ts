import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./run-cli.js";

describe("grove command line shell", () => {
  it("--help lists the commands and global options and exits 0", () => {
    const run = runCli(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: grove \[options\] \[command\]/);
    expect(run.stdout).toMatch(/^ {2}inspect \[options\] <file>/m);
    expect(run.stdout).toContain("--store <dir>");
    expect(run.stdout).toContain("GROVE_STORE");
    expect(run.stderr).toBe("");
  });

  it("inspect --help describes the inspect options", () => {
    const run = runCli(["inspect", "--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: grove inspect \[options\] <file>/);
    expect(run.stdout).toContain("--json");
    expect(run.stdout).toContain("--no-verify");
  });

  it("--version prints the @grove/cli package version", () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "packages/cli/package.json"), "utf8")) as {
      version: string;
    };
    const run = runCli(["--version"]);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it("no command prints usage on stderr and exits 2", () => {
    const run = runCli([]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^Usage: grove/);
  });

  it("an unknown command is a usage error (exit 2) with a suggestion", () => {
    const run = runCli(["inpsect", "x.rpm"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("grove: unknown command 'inpsect' (Did you mean inspect?)\nhint: see 'grove --help'\n");
  });

  it("an unknown option is a usage error pointing at the command's help", () => {
    const run = runCli(["inspect", "--bogus", "x.rpm"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("grove: unknown option '--bogus'\nhint: see 'grove inspect --help'\n");
  });

  it("a missing argument is a usage error; with --json it is printed as JSON on stderr", () => {
    const text = runCli(["inspect"]);
    expect(text.status).toBe(2);
    expect(text.stderr).toBe("grove: missing required argument 'file'\nhint: see 'grove inspect --help'\n");

    const json = runCli(["inspect", "--json"]);
    expect(json.status).toBe(2);
    expect(json.stdout).toBe("");
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: "CLI_USAGE", message: "missing required argument 'file'", hint: "see 'grove inspect --help'" },
    });
  });

  it("accepts the global --store option before or after the command", () => {
    const before = runCli(["--store", "/tmp/grove-store-test", "inspect", "--help"]);
    expect(before.status).toBe(0);
    const missingValue = runCli(["inspect", "x.rpm", "--store"]);
    expect(missingValue.status).toBe(2);
    expect(missingValue.stderr).toContain("option '--store <dir>' argument missing");
  });
});
